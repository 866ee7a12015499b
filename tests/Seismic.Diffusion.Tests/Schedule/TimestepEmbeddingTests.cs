using Seismic.Tests;
using TorchSharp;

namespace Seismic.Diffusion.Tests.Schedule;

public class TimestepEmbeddingTests
{
    public static TheoryData<int> Dims()
    {
        var data = new TheoryData<int>();
        foreach (var c in Golden.Cases("timestep_embedding")) data.Add(c.GetProperty("dim").GetInt32());
        return data;
    }

    [Theory]
    [MemberData(nameof(Dims))]
    public void Embedding_matches_the_reference(int dim)
    {
        var c = Golden.Cases("timestep_embedding").Single(x => x.GetProperty("dim").GetInt32() == dim);
        using var t = Assertions.FromGolden(c.GetProperty("t").GetString()!);
        using var emb = TimestepEmbedding.Create(t, dim, c.GetProperty("max_period").GetDouble());
        var expected = Golden.ReadDoubles(c.GetProperty("expected").GetString()!, out var shape);
        Assert.Equal(shape.Select(s => (long)s), emb.shape);
        Assertions.Close(expected, Assertions.ToDoubles(emb), 1e-5, "embedding");
    }

    [Fact]
    public void Odd_dimensions_end_with_a_zero_column()
    {
        using var t = torch.tensor(new float[] { 3f, 500f });
        using var emb = TimestepEmbedding.Create(t, 5);
        Assert.Equal(new long[] { 2, 5 }, emb.shape);
        Assert.Equal(0f, emb[0, 4].item<float>());
        Assert.Equal(MathF.Cos(3f), emb[0, 0].item<float>(), 5);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        using var t2 = torch.zeros(2, 2);
        Assert.Throws<ArgumentException>(() => TimestepEmbedding.Create(t2, 8));
        using var t = torch.zeros(2);
        Assert.Throws<ArgumentException>(() => TimestepEmbedding.Create(t, 0));
    }
}

using Seismic.Tests;
using static TorchSharp.torch;

namespace Seismic.Models.Tests.UNet;

public class TimestepEmbeddingTests
{
    [Theory]
    [InlineData(32)]
    [InlineData(33)]
    public void Matches_the_reference_embedding(int dim)
    {
        var c = Golden.Cases("timestep_embedding").Single(e => e.GetProperty("dim").GetInt32() == dim);
        using var t = TestNets.FromGolden(c.GetProperty("t").GetString()!);
        using var expected = TestNets.FromGolden(c.GetProperty("expected").GetString()!);
        using var emb = TimestepEmbedding.Sinusoidal(t, dim);
        Assert.Equal(expected.shape, emb.shape);
        Assert.True(TestNets.MaxAbsDiff(emb, expected) < 1e-5, $"max |diff| = {TestNets.MaxAbsDiff(emb, expected)}");
        if (dim % 2 == 1) Assert.Equal(0f, emb[.., ^1].abs().max().item<float>());
    }
}

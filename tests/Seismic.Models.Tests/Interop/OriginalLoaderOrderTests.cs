using Seismic.Data.Npy;
using static TorchSharp.torch;

namespace Seismic.Models.Tests.Interop;

/// <summary>Orders of the original's shuffled loader, recorded once with PyTorch (benchmarks/reference/make_loader_order.py).</summary>
[Collection("torch")]
public sealed class OriginalLoaderOrderTests
{
    [Theory]
    [InlineData(7, 12)]
    [InlineData(0, 12)]
    [InlineData(3, 40)]
    public void The_visiting_order_is_the_originals_and_the_global_generator_is_left_alone(int seed, int count)
    {
        var expected = NpyFile.ReadAllFloat64(Path.Combine(AppContext.BaseDirectory, "numpy", $"loader_order_seed{seed}_n{count}.npy"), out _);
        manual_seed(99);
        using var before = rand(3);
        manual_seed(99);
        var order = OriginalLoaderOrder.Shuffled(ModelPreset.UnetCh32.Network, seed, count);
        using var after = rand(3);
        Assert.Equal(expected.Select(v => (int)v), order);
        Assert.True(before.equal(after).all().item<bool>());
    }
}

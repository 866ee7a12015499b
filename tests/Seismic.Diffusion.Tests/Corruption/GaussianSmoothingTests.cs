using Seismic.Diffusion.Corruption;
using Seismic.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Tests.Corruption;

public class GaussianSmoothingTests
{
    public static TheoryData<double> Sigmas()
    {
        var data = new TheoryData<double>();
        foreach (var c in Golden.Cases("gaussian_filter")) data.Add(c.GetProperty("sigma").GetDouble());
        return data;
    }

    [Theory]
    [MemberData(nameof(Sigmas))]
    public void Smoothing_matches_scipy_in_float64(double sigma)
    {
        var c = Golden.Cases("gaussian_filter").Single(x => x.GetProperty("sigma").GetDouble() == sigma);
        Assert.Equal("float64", c.GetProperty("dtype").GetString());
        using var input = Assertions.FromGoldenDouble(c.GetProperty("input").GetString()!);
        using var output = GaussianSmoothing.Apply(input, sigma, c.GetProperty("truncate").GetDouble());
        Assert.Equal(ScalarType.Float64, output.dtype);
        Assert.Equal(input.shape, output.shape);
        Assertions.Close(Golden.ReadDoubles(c.GetProperty("expected").GetString()!), Assertions.ToDoubles(output), 1e-9, $"blur sigma {sigma}");
    }

    [Fact]
    public void Kernel_follows_scipy_radius_and_normalisation()
    {
        Assert.Equal(12, GaussianSmoothing.Radius(3));
        Assert.Equal(36, GaussianSmoothing.Radius(9));
        Assert.Equal(2, GaussianSmoothing.Radius(0.5)); // int(4 * 0.5 + 0.5) = 2
        var k = GaussianSmoothing.Kernel(3);
        Assert.Equal(25, k.Length);
        Assert.Equal(1.0, k.Sum(), 12);
        Assert.Equal(k[0], k[^1]);
    }

    [Fact]
    public void Radius_larger_than_the_image_reflects_repeatedly_and_keeps_constants()
    {
        // sigma 49 on 64 px (the benchmark_C preset) needs a 196-pixel pad: the mirror repeats with period 2n.
        using var x = torch.full(2, 1, 16, 16, 0.25f);
        using var y = GaussianSmoothing.Apply(x, 49);
        Assert.True(y.allclose(x, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Mirror_boundary_repeats_the_edge_sample()
    {
        // A single row [1, 0, 0, ...]: with 'd c b a | a b c d' the first output sees the edge value twice.
        var values = new double[8];
        values[0] = 1;
        using var x = torch.tensor(values).reshape(1, 8);
        using var y = GaussianSmoothing.Apply(x.expand(8, 8).contiguous(), 1.0);
        var k = GaussianSmoothing.Kernel(1.0);
        int r = k.Length / 2;
        // Column smoothing of an H-constant image leaves rows unchanged; along W, out[0] = k[r] + k[r-1] (mirror of index 0 at -1).
        Assert.Equal(k[r] + k[r - 1], y[0, 0].item<double>(), 12);
    }

    [Fact]
    public void Float32_batches_keep_their_dtype()
    {
        using var x = torch.rand(8, 1, 64, 64);
        using var y = GaussianSmoothing.Apply(x, 9);
        Assert.Equal(ScalarType.Float32, y.dtype);
        Assert.Equal(x.shape, y.shape);
        Assert.True(y.std().item<float>() < x.std().item<float>());
    }
}

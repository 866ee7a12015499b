using Seismic.Diffusion.Corruption;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Tests.Corruption;

public class GaussianMixtureBlurTests
{
    private static Tensor Images() { using var g = new Generator(21); return torch.rand(4, 1, 32, 32, generator: g) * 2 - 1; }

    [Fact]
    public void Same_seed_gives_the_same_corruption_and_different_seeds_differ()
    {
        var blur = CorruptionPreset.OpenFwiCustom.Create();
        using var x = Images();
        using var g1 = new Generator(1);
        using var g2 = new Generator(1);
        using var g3 = new Generator(2);
        using var a = blur.Apply(x, g1);
        using var b = blur.Apply(x, g2);
        using var c = blur.Apply(x, g3);
        Assert.True(Assertions.Equal(a, b));
        Assert.False(Assertions.Equal(a, c));
    }

    [Fact]
    public void Draws_stay_in_the_configured_ranges()
    {
        var blur = CorruptionPreset.OpenFwiCustom.Create();
        using var g = new Generator(3);
        var draws = Enumerable.Range(0, 300).Select(_ => blur.Draw(g)).ToList();
        Assert.All(draws, d => Assert.InRange(d.Sigma, 8, 24));
        Assert.All(draws, d => Assert.InRange(d.NoiseLevel, 0.0, 0.3));
        Assert.Contains(draws, d => d.Sigma == 8);
        Assert.Contains(draws, d => d.Sigma == 24);
    }

    [Fact]
    public void Noise_free_unit_interval_blur_is_the_plain_smoothing()
    {
        var blur = CorruptionPreset.OpenFwiBenchmark.Create();
        using var x = Images();
        using var y = blur.Apply(x);
        using var expected = GaussianSmoothing.Apply(x, 9).clamp(-1, 1);
        Assert.True(y.allclose(expected, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Unit_interval_option_maps_to_0_1_and_back()
    {
        var options = new GaussianMixtureBlurOptions { SigmaFloor = 2, SigmaCeil = 2, NoiseFloor = 0.5, NoiseCeil = 0, UnitInterval = true };
        var blur = new GaussianMixtureBlur(options);
        using var x = Images();
        using var g1 = new Generator(4);
        using var g2 = new Generator(4);
        using var y = blur.Apply(x, new BlurDraw(2, 0.5), g1);
        // By hand: x' = (x+1)/2, mix with N(0,1) drawn from the same seed, blur, clip, 2y-1.
        using var noise = torch.randn(x.shape, generator: g2);
        using var mixed = (x + 1) / 2 * 0.5 + noise * 0.5;
        using var expected = GaussianSmoothing.Apply(mixed, 2).clamp(-1, 1) * 2 - 1;
        Assert.True(y.allclose(expected, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Output_is_clipped()
    {
        var blur = new GaussianMixtureBlur(new GaussianMixtureBlurOptions { SigmaFloor = 1, SigmaCeil = 1, NoiseCeil = 0, UnitInterval = false });
        using var x = torch.full(1, 1, 8, 8, 3f);
        using var y = blur.Apply(x);
        Assert.Equal(1f, y.max().item<float>());
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        var e = Assert.Throws<ArgumentException>(() => new GaussianMixtureBlur(new GaussianMixtureBlurOptions { SigmaFloor = 5, SigmaCeil = 4 }));
        Assert.Contains("SigmaCeil", e.Message);
    }
}

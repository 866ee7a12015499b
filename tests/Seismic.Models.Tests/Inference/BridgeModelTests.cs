using System.Text.Json;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion.Corruption;
using Seismic.Models;
using TorchSharp;

namespace Seismic.Models.Tests.Inference;

[Collection("torch")]
public class BridgeModelTests
{
    private static ModelSpec Tiny => new()
    {
        Network = ModelPreset.I2sbSmallCond.Network with { ModelChannels = 8, ChannelMult = [1, 2], AttentionResolutions = [], GroupNormGroups = 4, NumHeads = 1 },
        Bridge = new Seismic.Diffusion.BridgeOptions { Interval = 20 },
        Corruption = CorruptionPreset.OpenFwiBenchmarkA,
        ImageSize = 16,
    };

    [Fact]
    public void Create_draws_the_weights_from_its_seed_and_leaves_the_global_generator_as_it_was()
    {
        torch.manual_seed(123);
        var expected = torch.rand(4).data<float>().ToArray();

        torch.manual_seed(123);
        using var a = BridgeModel.Create(Tiny, torch.CPU, initSeed: 5);
        var after = torch.rand(4).data<float>().ToArray();
        Assert.Equal(expected, after); // the caller's random stream is untouched

        using var b = BridgeModel.Create(Tiny, torch.CPU, initSeed: 5);
        using var c = BridgeModel.Create(Tiny, torch.CPU, initSeed: 6);
        var wa = a.Network.parameters().First().data<float>().ToArray();
        Assert.Equal(wa, b.Network.parameters().First().data<float>().ToArray());
        Assert.NotEqual(wa, c.Network.parameters().First().data<float>().ToArray());
    }

    [Fact]
    public void The_spec_validates_its_parts_and_names_them()
    {
        // Paths relative to the spec: a part's failures get the part's name in front.
        var size = Assert.Throws<ArgumentException>(() => (Tiny with { ImageSize = 12 }).Validate());
        Assert.StartsWith("ImageSize must be a positive multiple of 8, got 12", size.Message);
        Assert.Equal("ImageSize", size.ParamName);
        var interval = Assert.Throws<ArgumentException>(() => (Tiny with { Bridge = new() { Interval = 7 } }).Validate());
        Assert.StartsWith("Bridge.Interval must be an even number", interval.Message);
        Assert.Equal("Bridge.Interval", interval.ParamName);
        Assert.Equal("Interval", Assert.IsType<ArgumentException>(interval.InnerException).ParamName);
        Assert.Equal("Network.GroupNormGroups",
            Assert.Throws<ArgumentException>(() => (Tiny with { Network = Tiny.Network with { GroupNormGroups = 3 } }).Validate()).ParamName);
        Assert.Equal("Dataset.DataMax",
            Assert.Throws<ArgumentException>(() => (Tiny with { Dataset = Tiny.Dataset with { DataMax = Tiny.Dataset.DataMin } }).Validate()).ParamName);
        Assert.Contains("input channels", Assert.Throws<ArgumentException>(() => (Tiny with { Network = Tiny.Network with { InChannels = 4 } }).Validate()).Message);
        Assert.Throws<ArgumentException>(() => BridgeModel.Create(Tiny with { ImageSize = 0 }, torch.CPU, 0));
    }

    [Fact]
    public void The_spec_round_trips_through_json_with_its_presets_by_name()
    {
        var spec = Tiny with { Dataset = OpenFwiDataset.CurveFaultB, ClipDenoise = true };
        var json = JsonSerializer.Serialize(spec);
        Assert.Contains("\"blur-openfwi_benchmark_A\"", json);
        var back = JsonSerializer.Deserialize<ModelSpec>(json)!;
        Assert.Equal(spec.Network, back.Network);
        Assert.Equal(spec.Bridge, back.Bridge);
        Assert.Same(spec.Corruption, back.Corruption);
        Assert.Equal(spec.Dataset.Key, back.Dataset.Key);
        Assert.Equal(spec.Dataset.DataMax, back.Dataset.DataMax);
        Assert.True(back.ClipDenoise);
    }

    [Fact]
    public void Presets_parse_by_name_and_name_themselves()
    {
        Assert.Same(ModelPreset.I2sbSmallCond, ModelPreset.Parse("I2SB_small_cond"));
        Assert.False(ModelPreset.TryParse("unet_ch128", out _));
        var e = Assert.Throws<ArgumentException>(() => ModelPreset.Parse("unet_ch128"));
        foreach (var p in ModelPreset.All) Assert.Contains(p.Name, e.Message);
        Assert.Equal("i2sb_small_cond", new ModelSpec { Network = ModelPreset.I2sbSmallCond.Network }.NetworkName);
        Assert.Equal("custom", Tiny.NetworkName);
        Assert.Equal("\"unet_ch64\"", JsonSerializer.Serialize(ModelPreset.UnetCh64));
    }

    /// <summary>One way to say it: the sampler's choice when it makes one, the model's (trained with clip_denoise) otherwise.</summary>
    [Fact]
    public void Clamping_follows_the_sampler_when_it_says_so_and_the_model_otherwise()
    {
        using var x1 = torch.full(2, 1, 16, 16, 3.0f); // far outside [-1, 1]: an unclamped x0_hat stays near 3
        using var cond = torch.zeros(2, 5, 16, 16);
        using var plain = BridgeModel.Create(Tiny, torch.CPU, initSeed: 1);
        using var clipped = BridgeModel.Create(Tiny with { ClipDenoise = true }, torch.CPU, initSeed: 1);
        float Max(BridgeModel model, bool? clip)
        {
            using var r = model.Sample(x1, cond, new Seismic.Diffusion.Sampling.SamplerOptions { Nfe = 1, ClipDenoise = clip, LogCount = 1 });
            return r.X0Predictions!.max().item<float>();
        }
        Assert.True(Max(plain, null) > 1.5f, "a plain model does not clamp by itself");
        Assert.True(Max(clipped, null) <= 1f, "a clip-denoise model clamps when the sampler says nothing");
        Assert.True(Max(clipped, false) > 1.5f, "the sampler's explicit false wins");
        Assert.True(Max(plain, true) <= 1f, "the sampler's explicit true wins");
    }
}

using System.Text.Json;
using Seismic.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Models.Tests;

/// <summary>Shared helpers: the golden tiny U-Net and small nets for fast tests.</summary>
internal static class TestNets
{
    /// <summary>The golden <c>unet_forward</c> case.</summary>
    public static JsonElement TinyCase => Golden.Cases("unet_forward").Single(c => c.GetProperty("name").GetString() == "unet_tiny");

    /// <summary>Options from a golden config object (the reference's field names).</summary>
    public static AdmUNetOptions OptionsFrom(JsonElement config) => new()
    {
        InChannels = config.GetProperty("in_channels").GetInt32(),
        OutChannels = config.GetProperty("out_channels").GetInt32(),
        ModelChannels = config.GetProperty("model_channels").GetInt32(),
        ChannelMult = config.GetProperty("channel_mult").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
        NumResBlocks = config.GetProperty("num_res_blocks").GetInt32(),
        AttentionResolutions = config.GetProperty("attention_resolutions").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
        NumHeads = config.GetProperty("num_heads").GetInt32(),
        NumHeadChannels = config.GetProperty("num_head_channels").GetInt32(),
        Dropout = config.GetProperty("dropout").GetDouble(),
        UseScaleShiftNorm = config.GetProperty("use_scale_shift_norm").GetBoolean(),
        GroupNormGroups = config.GetProperty("group_norm_groups").GetInt32(),
    };

    public static AdmUNetOptions TinyOptions => OptionsFrom(TinyCase.GetProperty("config"));

    /// <summary>The golden tiny U-Net with the reference's randomised weights.</summary>
    public static AdmUNet LoadTiny()
    {
        var net = new AdmUNet(TinyOptions);
        net.LoadPyTorchStateDict(Golden.PathOf(TinyCase.GetProperty("state_dict").GetString()!));
        net.eval();
        return net;
    }

    /// <summary>A very small net (16 channels, 2 levels) for behaviour tests.</summary>
    public static AdmUNetOptions Small(int inChannels = 3, int outChannels = 1) => new()
    {
        InChannels = inChannels,
        OutChannels = outChannels,
        ModelChannels = 16,
        ChannelMult = [1, 2],
        NumResBlocks = 1,
        AttentionResolutions = [2],
        GroupNormGroups = 8,
    };

    /// <summary>Fills every parameter with seeded noise so that outputs are not trivially zero.</summary>
    public static void Randomise(nn.Module module, long seed)
    {
        var gen = new Generator((ulong)seed);
        using (no_grad())
        {
            foreach (var p in module.parameters()) p.copy_(randn(p.shape, generator: gen) * 0.1);
        }
    }

    public static Tensor FromGolden(string relative)
    {
        var data = Golden.ReadFloats(relative, out var shape);
        return tensor(data, shape.Select(d => (long)d).ToArray());
    }

    public static float MaxAbsDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    /// <summary>Same shape and bitwise-equal values.</summary>
    public static bool SameAs(this Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}

namespace Seismic.Models.Tests.UNet;

public class AdmUNetOptionsTests
{
    [Fact]
    public void Defaults_are_the_reference_unet_ch32()
    {
        var o = new AdmUNetOptions();
        Assert.Equal(6, o.InChannels);
        Assert.Equal(1, o.OutChannels);
        Assert.Equal(32, o.ModelChannels);
        Assert.Equal([1, 2, 4, 8], o.ChannelMult);
        Assert.Equal(2, o.NumResBlocks);
        Assert.Equal([16, 8], o.AttentionResolutions);
        Assert.Equal(4, o.NumHeads);
        Assert.Equal(-1, o.NumHeadChannels);
        Assert.Equal(0.0, o.Dropout);
        Assert.True(o.UseScaleShiftNorm);
        Assert.Equal(32, o.GroupNormGroups);
        Assert.True(o.ConvResample);
        Assert.Equal(o, AdmUNetOptions.Preset("unet_ch32"));
    }

    [Fact]
    public void Every_preset_name_resolves_and_validates()
    {
        foreach (var name in AdmUNetOptions.PresetNames)
        {
            var o = AdmUNetOptions.Preset(name);
            o.Validate();
            Assert.Equal(name.EndsWith("_cond", StringComparison.Ordinal) || name.StartsWith("unet", StringComparison.Ordinal) ? 6 : 1, o.InChannels);
        }
        Assert.Equal(64, AdmUNetOptions.Preset("UNET_CH64").ModelChannels);
        Assert.Equal(16, AdmUNetOptions.I2sbSmallCond.GroupNormGroups);
        Assert.Equal([1, 2, 4], AdmUNetOptions.I2sbSmallCond.ChannelMult);
    }

    [Fact]
    public void Unknown_preset_lists_the_valid_names()
    {
        var e = Assert.Throws<ArgumentException>(() => AdmUNetOptions.Preset("unet_ch128"));
        Assert.Contains("unet_ch128", e.Message);
        foreach (var name in AdmUNetOptions.PresetNames) Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Presets_are_fresh_copies()
    {
        var a = AdmUNetOptions.UnetCh32 with { ModelChannels = 8 };
        Assert.Equal(32, AdmUNetOptions.UnetCh32.ModelChannels);
        Assert.Equal(8, a.ModelChannels);
    }

    [Fact]
    public void Variations_are_with_expressions_and_equality_compares_values()
    {
        var o = AdmUNetOptions.I2sbSmallCond with
        {
            InChannels = 2, OutChannels = 1, ModelChannels = 8, ChannelMult = [1, 2], NumResBlocks = 1, AttentionResolutions = [2],
            NumHeads = 2, NumHeadChannels = 4, Dropout = 0.1, GroupNormGroups = 4, UseScaleShiftNorm = false, ConvResample = false,
        };
        Assert.Equal(new AdmUNetOptions
        {
            InChannels = 2, OutChannels = 1, ModelChannels = 8, ChannelMult = [1, 2], NumResBlocks = 1, AttentionResolutions = [2],
            NumHeads = 2, NumHeadChannels = 4, Dropout = 0.1, GroupNormGroups = 4, UseScaleShiftNorm = false, ConvResample = false,
        }, o);
        Assert.Equal(2, o.SizeDivisor);
        Assert.Equal(8, AdmUNetOptions.UnetCh32.SizeDivisor);
    }

    public static TheoryData<AdmUNetOptions, string> Invalid => new()
    {
        { AdmUNetOptions.I2sbSmallCond with { GroupNormGroups = 32 }, "GroupNormGroups" },      // 16 channels, 32 groups
        { AdmUNetOptions.UnetCh32 with { NumHeads = 5 }, "NumHeads" },
        { AdmUNetOptions.UnetCh32 with { NumHeadChannels = 48 }, "NumHeadChannels" },
        { AdmUNetOptions.UnetCh32 with { AttentionResolutions = [32, 12] }, "AttentionResolutions" },
        { AdmUNetOptions.UnetCh32 with { ChannelMult = [] }, "ChannelMult" },
        { AdmUNetOptions.UnetCh32 with { Dropout = 1.0 }, "Dropout" },
        { AdmUNetOptions.UnetCh32 with { InChannels = 0 }, "InChannels" },
        { AdmUNetOptions.UnetCh32 with { NumResBlocks = 0 }, "NumResBlocks" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Unsupported_combinations_are_rejected_naming_the_option(AdmUNetOptions options, string option)
    {
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(option, e.ParamName);
        Assert.Contains($"AdmUNetOptions.{option}", e.Message);
        Assert.Throws<ArgumentException>(() => new AdmUNet(options));
    }
}

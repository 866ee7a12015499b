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
        Assert.Equal(o, ModelPreset.Parse("unet_ch32").Network);
    }

    [Fact]
    public void Every_preset_name_resolves_and_validates()
    {
        foreach (var name in ModelPreset.All.Select(p => p.Name))
        {
            var o = ModelPreset.Parse(name).Network;
            o.Validate();
            Assert.Equal(name.EndsWith("_cond", StringComparison.Ordinal) || name.StartsWith("unet", StringComparison.Ordinal) ? 6 : 1, o.InChannels);
        }
        Assert.Equal(64, ModelPreset.Parse("UNET_CH64").Network.ModelChannels);
        Assert.Equal(16, ModelPreset.I2sbSmallCond.Network.GroupNormGroups);
        Assert.Equal([1, 2, 4], ModelPreset.I2sbSmallCond.Network.ChannelMult);
    }

    [Fact]
    public void Unknown_preset_lists_the_valid_names()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelPreset.Parse("unet_ch128").Network);
        Assert.Contains("unet_ch128", e.Message);
        foreach (var name in ModelPreset.All.Select(p => p.Name)) Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Presets_are_fresh_copies()
    {
        var a = ModelPreset.UnetCh32.Network with { ModelChannels = 8 };
        Assert.Equal(32, ModelPreset.UnetCh32.Network.ModelChannels);
        Assert.Equal(8, a.ModelChannels);
    }

    [Fact]
    public void Variations_are_with_expressions_and_equality_compares_values()
    {
        var o = ModelPreset.I2sbSmallCond.Network with
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
        Assert.Equal(8, ModelPreset.UnetCh32.Network.SizeDivisor);
    }

    public static TheoryData<AdmUNetOptions, string> Invalid => new()
    {
        { ModelPreset.I2sbSmallCond.Network with { GroupNormGroups = 32 }, "GroupNormGroups" },      // 16 channels, 32 groups
        { ModelPreset.UnetCh32.Network with { NumHeads = 5 }, "NumHeads" },
        { ModelPreset.UnetCh32.Network with { NumHeadChannels = 48 }, "NumHeadChannels" },
        { ModelPreset.UnetCh32.Network with { AttentionResolutions = [32, 12] }, "AttentionResolutions" },
        { ModelPreset.UnetCh32.Network with { ChannelMult = [] }, "ChannelMult" },
        { ModelPreset.UnetCh32.Network with { Dropout = 1.0 }, "Dropout" },
        { ModelPreset.UnetCh32.Network with { InChannels = 0 }, "InChannels" },
        { ModelPreset.UnetCh32.Network with { NumResBlocks = 0 }, "NumResBlocks" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Unsupported_combinations_are_rejected_naming_the_option(AdmUNetOptions options, string option)
    {
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(option, e.ParamName);
        Assert.StartsWith($"{option} ", e.Message);
        Assert.Throws<ArgumentException>(() => new AdmUNet(options));
    }

    [Fact]
    public void List_options_keep_their_own_copy_of_the_caller_s_list()
    {
        var mult = new List<int> { 1, 2 };
        var attention = new List<int> { 2 };
        var o = new AdmUNetOptions { ChannelMult = mult, AttentionResolutions = attention };
        mult.Add(4);
        attention[0] = 3;
        Assert.Equal([1, 2], o.ChannelMult);
        Assert.Equal([2], o.AttentionResolutions);
        Assert.Throws<NotSupportedException>(() => ((IList<int>)o.ChannelMult)[0] = 8);
        Assert.Equal(o, o with { ChannelMult = [1, 2] }); // equality still compares the values
    }
}

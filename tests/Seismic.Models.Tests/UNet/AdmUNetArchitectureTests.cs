using Seismic.Tests;

namespace Seismic.Models.Tests.UNet;

public class AdmUNetArchitectureTests
{
    [Theory]
    [InlineData("unet_ch32")]
    [InlineData("unet_ch64")]
    public void Full_presets_match_the_reference_state_dict(string name)
    {
        var golden = Golden.Cases("unet_architecture").Single(c => c.GetProperty("name").GetString() == name);
        var expected = golden.GetProperty("state_dict_shapes").EnumerateObject()
            .Select(p => (p.Name, Shape: p.Value.EnumerateArray().Select(e => e.GetInt64()).ToArray())).ToList();

        using var net = new AdmUNet(ModelPreset.Parse(name).Network);
        var actual = net.state_dict().Select(kv => (kv.Key, Shape: kv.Value.shape)).ToList();

        Assert.Equal(expected.Select(e => e.Name), actual.Select(a => a.Key));          // names and order
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Shape.SequenceEqual(actual[i].Shape), $"{expected[i].Name}: [{string.Join(",", actual[i].Shape)}]");
        Assert.Equal(golden.GetProperty("parameters").GetInt64(), net.ParameterCount);
    }

    [Fact]
    public void Parameter_totals_are_exact()
    {
        using var ch32 = new AdmUNet(ModelPreset.Parse("unet_ch32").Network);
        Assert.Equal(15_852_481, ch32.ParameterCount);
        using var small = new AdmUNet(ModelPreset.Parse("i2sb_small_cond").Network);
        Assert.Equal(950_817, small.ParameterCount);
        using var smallUncond = new AdmUNet(ModelPreset.Parse("i2sb_small").Network);
        Assert.Equal(950_097, smallUncond.ParameterCount);          // only the first conv differs: 5 x 16 x 3 x 3 fewer
        using var large = new AdmUNet(ModelPreset.Parse("i2sb_large_cond").Network);
        Assert.Equal(6_930_369, large.ParameterCount);
    }

    [Fact]
    public void Tiny_config_matches_the_golden_shapes()
    {
        var golden = TestNets.TinyCase;
        using var net = new AdmUNet(TestNets.TinyOptions);
        var expected = golden.GetProperty("state_dict_shapes").EnumerateObject().Select(p => p.Name);
        Assert.Equal(expected, net.state_dict().Keys);
        Assert.Equal(golden.GetProperty("parameters").GetInt64(), net.ParameterCount);
    }

    [Fact]
    public void Small_preset_attends_only_in_the_middle()
    {
        using var net = new AdmUNet(ModelPreset.Parse("i2sb_small_cond").Network);
        var qkv = net.state_dict().Keys.Where(k => k.EndsWith(".qkv.weight", StringComparison.Ordinal)).ToList();
        Assert.Equal(["middle_block.1.qkv.weight"], qkv);
    }
}

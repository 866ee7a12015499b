using Seismic.Diffusion.Corruption;

namespace Seismic.Diffusion.Tests.Corruption;

public class CorruptionPresetsTests
{
    [Theory]
    [InlineData("blur-openfwi_custom", 8, 24, 0.3, true)]
    [InlineData("blur-openfwi_benchmark", 9, 9, 0.0, true)]
    [InlineData("blur-ci2sb_baseline", 8, 16, 0.2, false)]
    [InlineData("blur-openfwi_benchmark_A", 9, 9, 0.0, false)]
    [InlineData("blur-openfwi_benchmark_B", 19, 19, 0.0, false)]
    [InlineData("blur-openfwi_benchmark_C", 49, 49, 0.0, false)]
    public void Presets_have_the_reference_parameters(string name, int lo, int hi, double noise, bool unit)
    {
        var blur = CorruptionPresets.Create(name);
        Assert.Equal(name, blur.Name);
        Assert.Equal((lo, hi, 0.0, noise, unit), (blur.SigmaFloor, blur.SigmaCeil, blur.NoiseFloor, blur.NoiseCeil, blur.UnitInterval));
    }

    [Fact]
    public void Unknown_names_list_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => CorruptionPresets.Create("blur-nope"));
        Assert.Contains("blur-nope", e.Message);
        foreach (var name in CorruptionPresets.Names) Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Names_are_case_insensitive()
    {
        Assert.Equal("blur-openfwi_custom", CorruptionPresets.Create("BLUR-OpenFWI_custom").Name);
    }
}

using Seismic.Diffusion.Corruption;

namespace Seismic.Diffusion.Tests.Corruption;

public class CorruptionPresetTests
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
        var blur = CorruptionPreset.Parse(name).Create();
        Assert.Equal(name, blur.Name);
        Assert.Equal((lo, hi, 0.0, noise, unit), (blur.SigmaFloor, blur.SigmaCeil, blur.NoiseFloor, blur.NoiseCeil, blur.UnitInterval));
    }

    [Fact]
    public void Unknown_names_list_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => CorruptionPreset.Parse("blur-nope"));
        Assert.Contains("blur-nope", e.Message);
        foreach (var preset in CorruptionPreset.All) Assert.Contains(preset.Name, e.Message);
        Assert.False(CorruptionPreset.TryParse("blur-nope", out _));
        Assert.False(CorruptionPreset.TryParse(null, out _));
    }

    [Fact]
    public void Presets_are_written_to_json_by_name_and_read_back()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(CorruptionPreset.OpenFwiBenchmarkB);
        Assert.Equal("\"blur-openfwi_benchmark_B\"", json);
        Assert.Same(CorruptionPreset.OpenFwiBenchmarkB, System.Text.Json.JsonSerializer.Deserialize<CorruptionPreset>(json));
        Assert.Throws<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize<CorruptionPreset>("\"blur-nope\""));
    }

    [Fact]
    public void Names_are_case_insensitive()
    {
        Assert.Equal("blur-openfwi_custom", CorruptionPreset.Parse("BLUR-OpenFWI_custom").Name);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seismic.Diffusion.Corruption;

/// <summary>
/// A named corruption operator of the reference (docs/diffusion.md, "Corruption"): the README state's
/// <see cref="OpenFwiCustom"/> (sigma 8-24, noise [0, 0.3)) and <see cref="OpenFwiBenchmark"/> (sigma 9, no noise), both in
/// [0, 1] space, and the later variants directly in [-1, 1]: <see cref="Ci2sbBaseline"/> (sigma 8-16, noise [0, 0.2)) and
/// <see cref="OpenFwiBenchmarkA"/>/<see cref="OpenFwiBenchmarkB"/>/<see cref="OpenFwiBenchmarkC"/> (sigma 9 / 19 / 49, no noise).
/// Written to JSON (checkpoints) as its name.
/// </summary>
[JsonConverter(typeof(CorruptionPresetJsonConverter))]
public sealed record CorruptionPreset
{
    private CorruptionPreset(string name, GaussianMixtureBlurOptions options) => (Name, Options) = (name, options);

    /// <summary>The reference's name, e.g. <c>blur-openfwi_custom</c>.</summary>
    public string Name { get; }

    /// <summary>The operator's options.</summary>
    public GaussianMixtureBlurOptions Options { get; }

    /// <summary><c>blur-openfwi_custom</c>: sigma 8-24, noise weight [0, 0.3), in [0, 1] space (the reference's default).</summary>
    public static CorruptionPreset OpenFwiCustom { get; } = new("blur-openfwi_custom", Blur(8, 24, 0.3, unitInterval: true));

    /// <summary><c>blur-openfwi_benchmark</c>: sigma 9, no noise, in [0, 1] space.</summary>
    public static CorruptionPreset OpenFwiBenchmark { get; } = new("blur-openfwi_benchmark", Blur(9, 9, 0, unitInterval: true));

    /// <summary><c>blur-ci2sb_baseline</c>: sigma 8-16, noise weight [0, 0.2), in [-1, 1].</summary>
    public static CorruptionPreset Ci2sbBaseline { get; } = new("blur-ci2sb_baseline", Blur(8, 16, 0.2, unitInterval: false));

    /// <summary><c>blur-openfwi_benchmark_A</c>: sigma 9, no noise, in [-1, 1].</summary>
    public static CorruptionPreset OpenFwiBenchmarkA { get; } = new("blur-openfwi_benchmark_A", Blur(9, 9, 0, unitInterval: false));

    /// <summary><c>blur-openfwi_benchmark_B</c>: sigma 19, no noise, in [-1, 1].</summary>
    public static CorruptionPreset OpenFwiBenchmarkB { get; } = new("blur-openfwi_benchmark_B", Blur(19, 19, 0, unitInterval: false));

    /// <summary><c>blur-openfwi_benchmark_C</c>: sigma 49, no noise, in [-1, 1].</summary>
    public static CorruptionPreset OpenFwiBenchmarkC { get; } = new("blur-openfwi_benchmark_C", Blur(49, 49, 0, unitInterval: false));

    /// <summary>Every preset, in the order above.</summary>
    public static IReadOnlyList<CorruptionPreset> All { get; } =
        [OpenFwiCustom, OpenFwiBenchmark, Ci2sbBaseline, OpenFwiBenchmarkA, OpenFwiBenchmarkB, OpenFwiBenchmarkC];

    /// <summary>The preset called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the valid names.</exception>
    public static CorruptionPreset Parse(string name) =>
        TryParse(name, out var preset) ? preset
            : throw new ArgumentException($"Unknown corruption '{name}'. Valid names: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));

    /// <summary>Looks a preset up by name (case-insensitive); false when there is none.</summary>
    public static bool TryParse(string? name, out CorruptionPreset preset)
    {
        preset = All.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))!;
        return preset is not null;
    }

    /// <summary>A new operator of this preset.</summary>
    public GaussianMixtureBlur Create() => new(Options, Name);

    /// <inheritdoc />
    public override string ToString() => Name;

    private static GaussianMixtureBlurOptions Blur(int sigmaFloor, int sigmaCeil, double noiseCeil, bool unitInterval) =>
        new() { SigmaFloor = sigmaFloor, SigmaCeil = sigmaCeil, NoiseFloor = 0, NoiseCeil = noiseCeil, UnitInterval = unitInterval };
}

/// <summary>Writes a <see cref="CorruptionPreset"/> as its name and reads it back by name.</summary>
internal sealed class CorruptionPresetJsonConverter : JsonConverter<CorruptionPreset>
{
    public override CorruptionPreset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        CorruptionPreset.TryParse(reader.GetString(), out var preset) ? preset
            : throw new JsonException($"unknown corruption preset '{reader.GetString()}'");

    public override void Write(Utf8JsonWriter writer, CorruptionPreset value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}

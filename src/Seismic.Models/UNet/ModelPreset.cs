using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seismic.Models;

/// <summary>
/// A named U-Net architecture of the reference (its <c>--model</c> values): <c>unet_ch32</c>, <c>unet_ch64</c> and the
/// later <c>i2sb_small[_cond]</c> / <c>i2sb_large[_cond]</c> nets. Written to JSON as its name.
/// </summary>
[JsonConverter(typeof(ModelPresetJsonConverter))]
public sealed record ModelPreset
{
    private ModelPreset(string name, AdmUNetOptions network) => (Name, Network) = (name, network);

    /// <summary>The reference's name, e.g. <c>unet_ch32</c>.</summary>
    public string Name { get; }

    /// <summary>The architecture.</summary>
    public AdmUNetOptions Network { get; }

    /// <summary><c>unet_ch32</c> (<see cref="AdmUNetOptions.UnetCh32"/>; 15,852,481 parameters).</summary>
    public static ModelPreset UnetCh32 { get; } = new("unet_ch32", AdmUNetOptions.UnetCh32);

    /// <summary><c>unet_ch64</c> (<see cref="AdmUNetOptions.UnetCh64"/>; 63,330,177 parameters).</summary>
    public static ModelPreset UnetCh64 { get; } = new("unet_ch64", AdmUNetOptions.UnetCh64);

    /// <summary><c>i2sb_small</c> (<see cref="AdmUNetOptions.I2sbSmall"/>, unconditional).</summary>
    public static ModelPreset I2sbSmall { get; } = new("i2sb_small", AdmUNetOptions.I2sbSmall);

    /// <summary><c>i2sb_small_cond</c> (<see cref="AdmUNetOptions.I2sbSmallCond"/>; 950,817 parameters).</summary>
    public static ModelPreset I2sbSmallCond { get; } = new("i2sb_small_cond", AdmUNetOptions.I2sbSmallCond);

    /// <summary><c>i2sb_large</c> (<see cref="AdmUNetOptions.I2sbLarge"/>, unconditional).</summary>
    public static ModelPreset I2sbLarge { get; } = new("i2sb_large", AdmUNetOptions.I2sbLarge);

    /// <summary><c>i2sb_large_cond</c> (<see cref="AdmUNetOptions.I2sbLargeCond"/>).</summary>
    public static ModelPreset I2sbLargeCond { get; } = new("i2sb_large_cond", AdmUNetOptions.I2sbLargeCond);

    /// <summary>Every preset, in the order above.</summary>
    public static IReadOnlyList<ModelPreset> All { get; } = [UnetCh32, UnetCh64, I2sbSmall, I2sbSmallCond, I2sbLarge, I2sbLargeCond];

    /// <summary>The preset called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the valid names.</exception>
    public static ModelPreset Parse(string name) =>
        TryParse(name, out var preset) ? preset
            : throw new ArgumentException($"Unknown U-Net preset '{name}'. Valid presets: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));

    /// <summary>Looks a preset up by name (case-insensitive); false when there is none.</summary>
    public static bool TryParse(string? name, out ModelPreset preset)
    {
        preset = All.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))!;
        return preset is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Writes a <see cref="ModelPreset"/> as its name and reads it back by name.</summary>
internal sealed class ModelPresetJsonConverter : JsonConverter<ModelPreset>
{
    public override ModelPreset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ModelPreset.TryParse(reader.GetString(), out var preset) ? preset : throw new JsonException($"unknown U-Net preset '{reader.GetString()}'");

    public override void Write(Utf8JsonWriter writer, ModelPreset value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}

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

    /// <summary>
    /// <c>unet_ch32</c>, the reference's default: 32 channels, mult (1,2,4,8), 2 res blocks, attention at 16 and 8, 4 heads,
    /// 6 in / 1 out; 15,852,481 parameters.
    /// </summary>
    public static ModelPreset UnetCh32 { get; } = new("unet_ch32", new AdmUNetOptions());

    /// <summary><c>unet_ch64</c>: as <see cref="UnetCh32"/> with 64 channels; 63,330,177 parameters.</summary>
    public static ModelPreset UnetCh64 { get; } = new("unet_ch64", new AdmUNetOptions { ModelChannels = 64 });

    /// <summary>
    /// <c>i2sb_small_cond</c>, the small seismic-conditioned net of the later upstream state: 16 channels, mult (1,2,4),
    /// 2 res blocks, attention factor 16 (so only the middle block attends), 16 GroupNorm groups, 6 in / 1 out; 950,817
    /// parameters.
    /// </summary>
    public static ModelPreset I2sbSmallCond { get; } = new("i2sb_small_cond", new AdmUNetOptions
    {
        ModelChannels = 16,
        ChannelMult = [1, 2, 4],
        AttentionResolutions = [16],
        GroupNormGroups = 16,
    });

    /// <summary><c>i2sb_small</c>: <see cref="I2sbSmallCond"/> with 1 input channel (x_n only, unconditional); 950,097 parameters.</summary>
    public static ModelPreset I2sbSmall { get; } = new("i2sb_small", I2sbSmallCond.Network with { InChannels = 1 });

    /// <summary>
    /// <c>i2sb_large_cond</c>, a larger sibling of <see cref="I2sbSmallCond"/> (our choice; the reference names it but the
    /// golden set does not pin it): 32 channels, mult (1,2,4,4), 2 res blocks, attention at factors 4 and 8 plus the middle
    /// block, 16 GroupNorm groups, 4 heads, 6 in / 1 out.
    /// </summary>
    public static ModelPreset I2sbLargeCond { get; } = new("i2sb_large_cond", new AdmUNetOptions
    {
        ModelChannels = 32,
        ChannelMult = [1, 2, 4, 4],
        AttentionResolutions = [8, 4],
        GroupNormGroups = 16,
    });

    /// <summary><c>i2sb_large</c>: <see cref="I2sbLargeCond"/> with 1 input channel (unconditional).</summary>
    public static ModelPreset I2sbLarge { get; } = new("i2sb_large", I2sbLargeCond.Network with { InChannels = 1 });

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

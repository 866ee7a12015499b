using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seismic.Data;

/// <summary>
/// The seed of a run's random draws: one type for every seed in the library (training, evaluation, data order,
/// synthesis). Integers convert implicitly (<c>Seed = 7</c>); <see cref="Derive(ulong)"/> gives independent streams
/// (per iteration, per sample, per worker) without any global state.
/// </summary>
[JsonConverter(typeof(SeedJsonConverter))]
public readonly record struct Seed(ulong Value)
{
    /// <summary>Seed 0, the default of every options record.</summary>
    public static Seed Zero => default;

    /// <summary>A non-negative <see cref="int"/> as a seed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static implicit operator Seed(int value) =>
        value >= 0 ? new Seed((ulong)value) : throw new ArgumentOutOfRangeException(nameof(value), value, "a seed must not be negative");

    /// <summary>A <see cref="ulong"/> as a seed.</summary>
    public static implicit operator Seed(ulong value) => new(value);

    /// <summary>
    /// A well-mixed seed for stream <paramref name="stream"/> of this seed (SplitMix64 finaliser): different streams and
    /// different seeds give unrelated values, and the same pair always gives the same value.
    /// </summary>
    public Seed Derive(ulong stream) => new(Mix(Value ^ Mix(stream + 0x632BE59BD9B4E019UL)));

    /// <summary>The stream <paramref name="inner"/> of stream <paramref name="outer"/>, e.g. (iteration, sample index).</summary>
    public Seed Derive(ulong outer, ulong inner) => Derive(outer).Derive(inner);

    /// <summary>The low 63 bits, for APIs that take a non-negative 64-bit integer (libtorch generators).</summary>
    public long ToInt64() => (long)(Value & 0x7FFF_FFFF_FFFF_FFFFUL);

    /// <summary>Parses a decimal seed.</summary>
    /// <exception cref="FormatException">Not a non-negative integer below 2^64; the message quotes the text.</exception>
    public static Seed Parse(string text) =>
        TryParse(text, out var seed) ? seed : throw new FormatException($"'{text}' is not a seed (a non-negative integer below 2^64)");

    /// <summary>Parses a decimal seed; false when <paramref name="text"/> is not a non-negative integer below 2^64.</summary>
    public static bool TryParse(string? text, out Seed seed)
    {
        bool ok = ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value);
        seed = new Seed(value);
        return ok;
    }

    /// <inheritdoc />
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);

    // The SplitMix64 finaliser (the same mixing as Seismic.Physics' generator streams, so both derive alike).
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Writes a <see cref="Seed"/> as a plain JSON number (older files stored seeds as integers).</summary>
internal sealed class SeedJsonConverter : JsonConverter<Seed>
{
    public override Seed Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var value)
            ? new Seed(value)
            : throw new JsonException("a seed must be a non-negative integer");

    public override void Write(Utf8JsonWriter writer, Seed value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Value);
}

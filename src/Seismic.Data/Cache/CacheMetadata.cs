using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seismic.Data.Cache;

/// <summary>
/// Everything a cache's content depends on, stored as UTF-8 JSON under the key <c>metadata</c> of the <c>meta</c>
/// database. A cache is used only when its stored metadata equals the metadata computed from the current sources.
/// </summary>
public sealed record CacheMetadata
{
    /// <summary>The cache format version this library writes and reads.</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>Format version of the cache layout and record encoding.</summary>
    [JsonPropertyName("format_version")] public required int FormatVersion { get; init; }

    /// <summary>The dataset config key (e.g. <c>flatvel-a</c>).</summary>
    [JsonPropertyName("dataset")] public required string Dataset { get; init; }

    /// <summary>Seismic lower bound used by the normalisation.</summary>
    [JsonPropertyName("data_min")] public required double DataMin { get; init; }

    /// <summary>Seismic upper bound used by the normalisation.</summary>
    [JsonPropertyName("data_max")] public required double DataMax { get; init; }

    /// <summary>Velocity lower bound in m/s.</summary>
    [JsonPropertyName("label_min")] public required double LabelMin { get; init; }

    /// <summary>Velocity upper bound in m/s.</summary>
    [JsonPropertyName("label_max")] public required double LabelMax { get; init; }

    /// <summary>Raw seismic sample shape (ns, nt, ng).</summary>
    [JsonPropertyName("seismic_source_shape")] public required int[] SeismicSourceShape { get; init; }

    /// <summary>Raw velocity sample shape (1, n_grid, n_grid).</summary>
    [JsonPropertyName("velocity_source_shape")] public required int[] VelocitySourceShape { get; init; }

    /// <summary>S, the side of the stored images in pixels.</summary>
    [JsonPropertyName("image_size")] public required int ImageSize { get; init; }

    /// <summary>Number of sample records (keys 0 .. count-1).</summary>
    [JsonPropertyName("sample_count")] public required int SampleCount { get; init; }

    /// <summary>The source files, relative to the split folder, in sample order.</summary>
    [JsonPropertyName("sources")] public required IReadOnlyList<CacheSourceFile> Sources { get; init; }

    internal string ToJson() => JsonSerializer.Serialize(this, Options);

    internal static CacheMetadata? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<CacheMetadata>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A one-line reason why a cache with <paramref name="stored"/> metadata cannot serve this one, or null when it can.</summary>
    internal string? Mismatch(CacheMetadata stored)
    {
        if (stored.FormatVersion != FormatVersion) return $"format version {stored.FormatVersion}, expected {FormatVersion}";
        if (stored.Dataset != Dataset) return $"dataset '{stored.Dataset}', expected '{Dataset}'";
        if (stored.DataMin != DataMin || stored.DataMax != DataMax || stored.LabelMin != LabelMin || stored.LabelMax != LabelMax)
            return "normalisation bounds changed";
        if (stored.ImageSize != ImageSize) return $"image size {stored.ImageSize}, expected {ImageSize}";
        if (!stored.SeismicSourceShape.SequenceEqual(SeismicSourceShape) || !stored.VelocitySourceShape.SequenceEqual(VelocitySourceShape))
            return "source sample shapes changed";
        if (stored.SampleCount != SampleCount) return $"{stored.SampleCount} samples, the sources hold {SampleCount}";
        if (stored.Sources.Count != Sources.Count) return $"{stored.Sources.Count} source files, now {Sources.Count}";
        for (int i = 0; i < Sources.Count; i++)
            if (stored.Sources[i] != Sources[i])
                return $"source file changed: {Sources[i].Data} / {Sources[i].Model}";
        return null;
    }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };
}

/// <summary>One source file pair as recorded in the cache metadata.</summary>
/// <param name="Data">Seismic file path relative to the split folder, with '/' separators.</param>
/// <param name="DataBytes">Its size in bytes.</param>
/// <param name="DataModifiedUtcTicks">Its last write time (UTC ticks).</param>
/// <param name="Model">Velocity file path relative to the split folder.</param>
/// <param name="ModelBytes">Its size in bytes.</param>
/// <param name="ModelModifiedUtcTicks">Its last write time (UTC ticks).</param>
/// <param name="SampleCount">Samples in the pair.</param>
public sealed record CacheSourceFile(
    [property: JsonPropertyName("data")] string Data,
    [property: JsonPropertyName("data_bytes")] long DataBytes,
    [property: JsonPropertyName("data_mtime_ticks")] long DataModifiedUtcTicks,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("model_bytes")] long ModelBytes,
    [property: JsonPropertyName("model_mtime_ticks")] long ModelModifiedUtcTicks,
    [property: JsonPropertyName("samples")] int SampleCount);

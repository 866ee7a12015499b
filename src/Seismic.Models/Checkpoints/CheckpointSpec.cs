using System.Text.Json;
using System.Text.Json.Serialization;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion;
using Seismic.Diffusion.Corruption;

namespace Seismic.Models.Checkpoints;

/// <summary>
/// The <c>spec</c> section of a checkpoint: the <see cref="ModelSpec"/> as JSON. Checkpoints written before the section
/// existed keep every setting in one flat options object in their <c>meta</c> section; <see cref="Read"/> rebuilds the
/// spec from it (<see cref="LegacyOptions"/>).
/// </summary>
internal static class CheckpointSpec
{
    public const string Section = "spec";

    /// <summary>JSON settings of every checkpoint section written as JSON (enums by name, indented).</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static byte[] ToBytes(ModelSpec spec) => JsonSerializer.SerializeToUtf8Bytes(spec, Json);

    /// <summary>The spec of a checkpoint, from its <c>spec</c> section or, in older files, from the options in <c>meta</c>.</summary>
    /// <exception cref="InvalidDataException">Neither section is readable; the message names the file and the section.</exception>
    public static ModelSpec Read(IReadOnlyDictionary<string, byte[]> sections, string path)
    {
        if (sections.TryGetValue(Section, out var bytes))
            return Parse<ModelSpec>(bytes, path, Section);
        var meta = Parse<LegacyMeta>(sections.Require("meta", path), path, "meta");
        return (meta.Options ?? throw new InvalidDataException($"{path}: checkpoint section 'meta' holds no options")).ToSpec(path);
    }

    /// <summary>Deserialises a JSON section, turning any failure into an error that names the file and the section.</summary>
    public static T Parse<T>(byte[] bytes, string path, string section) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json) ?? throw new InvalidDataException($"{path}: checkpoint section '{section}' is empty");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: checkpoint section '{section}' is not valid ({e.Message})", e);
        }
    }

    private sealed class LegacyMeta
    {
        public LegacyOptions? Options { get; set; }
    }
}

/// <summary>
/// The flat training options that checkpoints stored before the model spec had its own section (the library's
/// first public API). Read only, to load and resume those files.
/// </summary>
internal sealed class LegacyOptions
{
    public string DatasetDir { get; set; } = "";
    public string DatasetName { get; set; } = "FlatVel_A";
    public string? DataConfigPath { get; set; }
    public string? CacheDir { get; set; }
    public int ImageSize { get; set; } = 256;
    public string ResultDir { get; set; } = "results";
    public string Name { get; set; } = "i2sb";
    public ulong Seed { get; set; }
    public string? Device { get; set; }
    public string Model { get; set; } = "unet_ch32";
    public AdmUNetOptions? Network { get; set; }
    public bool PredX0 { get; set; }
    public int Interval { get; set; } = 1000;
    public double BetaMax { get; set; } = 0.3;
    public double T0 { get; set; } = 1e-4;
    public double T { get; set; } = 1.0;
    public bool OtOde { get; set; }
    public bool ClipDenoise { get; set; }
    public string Corrupt { get; set; } = "blur-openfwi_custom";
    public double DropCond { get; set; } = 0.25;
    public bool ShotTraceDropout { get; set; } = true;
    public int BatchSize { get; set; } = 256;
    public int Microbatch { get; set; } = 2;
    public int NumIterations { get; set; } = 1_000_000;
    public double LearningRate { get; set; } = 5e-5;
    public double LrGamma { get; set; } = 0.99;
    public int LrStep { get; set; } = 1000;
    public double WeightDecay { get; set; }
    public double? ClipGradNorm { get; set; }
    public double EmaDecay { get; set; } = 0.99;
    public int SaveEvery { get; set; } = 5000;
    public int ValidateEvery { get; set; } = 3000;
    public int ValBatches { get; set; } = 2;
    public int ValBatchSize { get; set; } = 16;
    public int LogEvery { get; set; } = 10;
    public string? LogWriter { get; set; }
    public double Guidance { get; set; }

    /// <summary>The spec these options describe; the dataset bounds come from the JSON config they name, when it still exists.</summary>
    public ModelSpec ToSpec(string path)
    {
        var config = DataConfigPath is not null && File.Exists(DataConfigPath) ? OpenFwiConfig.Load(DataConfigPath) : OpenFwiConfig.Default;
        if (!config.TryGet(DatasetName, out var dataset))
            throw new InvalidDataException($"{path}: the checkpoint was trained on dataset '{DatasetName}', whose bounds are unknown " +
                                           $"(its config file {DataConfigPath ?? "(none)"} is missing)");
        if (!ModelPreset.TryParse(Model, out var preset) && Network is null)
            throw new InvalidDataException($"{path}: the checkpoint names an unknown U-Net preset '{Model}'");
        if (!CorruptionPreset.TryParse(Corrupt, out var corruption))
            throw new InvalidDataException($"{path}: the checkpoint names an unknown corruption '{Corrupt}'");
        return new ModelSpec
        {
            Network = Network ?? preset.Network,
            Bridge = new BridgeOptions
            {
                Interval = Interval, BetaMax = BetaMax, T0 = T0, T = T, OtOde = OtOde,
                Parameterization = PredX0 ? BridgeParameterization.PredX0 : BridgeParameterization.NoiseLike,
            },
            Corruption = corruption,
            Dataset = dataset,
            ImageSize = ImageSize,
            ClipDenoise = ClipDenoise,
        };
    }
}

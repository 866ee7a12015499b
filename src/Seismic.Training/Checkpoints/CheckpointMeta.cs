using System.Text.Json;
using Seismic.Models;
using Seismic.Models.Checkpoints;

namespace Seismic.Training.Checkpoints;

/// <summary>
/// The <c>meta</c> section of a checkpoint: where training stands (iteration, learning rate, loss history) and the
/// options of the run. The model spec is stored again in its own <c>spec</c> section, which sampling reads.
/// </summary>
internal sealed class CheckpointMeta
{
    public int Iteration { get; set; }
    public double LearningRate { get; set; }
    public TrainingOptions Options { get; set; } = new();
    public List<double> Losses { get; set; } = [];
    /// <summary>How randomness is derived, so a resumed run redraws exactly what the uninterrupted one would.</summary>
    public string RngScheme { get; set; } = Trainer.RngScheme;

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, CheckpointSpec.Json);

    /// <summary>Reads the section; files written before the <c>spec</c> section existed hold flat options, converted here.</summary>
    /// <exception cref="InvalidDataException">The section is missing or unreadable; the message names the file.</exception>
    public static CheckpointMeta Read(IReadOnlyDictionary<string, byte[]> sections, string path)
    {
        var bytes = sections.Require("meta", path);
        if (sections.ContainsKey(CheckpointSpec.Section))
        {
            var meta = CheckpointSpec.Parse<CheckpointMeta>(bytes, path, "meta");
            meta.Options = meta.Options with { Model = CheckpointSpec.Read(sections, path) };
            return meta;
        }
        var legacy = CheckpointSpec.Parse<LegacyMeta>(bytes, path, "meta");
        var o = legacy.Options ?? throw new InvalidDataException($"{path}: checkpoint section 'meta' holds no options");
        return new CheckpointMeta
        {
            Iteration = legacy.Iteration,
            LearningRate = legacy.LearningRate,
            Losses = legacy.Losses,
            RngScheme = legacy.RngScheme ?? Trainer.RngScheme,
            Options = FromLegacy(o, path),
        };
    }

    private static TrainingOptions FromLegacy(LegacyOptions o, string path) => new()
    {
        Data = new DataOptions { DatasetDir = o.DatasetDir, CacheDir = o.CacheDir },
        Model = o.ToSpec(path),
        Optimization = new OptimizationOptions
        {
            BatchSize = o.BatchSize, Microbatch = o.Microbatch, NumIterations = o.NumIterations, LearningRate = o.LearningRate,
            LrGamma = o.LrGamma, LrStep = o.LrStep, WeightDecay = o.WeightDecay, ClipGradNorm = o.ClipGradNorm, EmaDecay = o.EmaDecay,
            DropCond = o.DropCond, ShotTraceDropout = o.ShotTraceDropout,
        },
        Schedule = new ScheduleOptions
        {
            SaveEvery = o.SaveEvery, ValidateEvery = o.ValidateEvery, ValBatches = o.ValBatches, ValBatchSize = o.ValBatchSize,
            ValGuidance = o.Guidance, LogEvery = o.LogEvery, LogWriter = o.LogWriter == "tensorboard" ? LogWriter.TensorBoard : LogWriter.None,
        },
        ResultDir = o.ResultDir,
        Name = o.Name,
        Seed = o.Seed,
        Device = o.Device,
    };

    private sealed class LegacyMeta
    {
        public int Iteration { get; set; }
        public double LearningRate { get; set; }
        public LegacyOptions? Options { get; set; }
        public List<double> Losses { get; set; } = [];
        public string? RngScheme { get; set; }
    }
}

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

    /// <summary>The section's name.</summary>
    public const string Section = "meta";

    /// <summary>The section holding the AdamW state (TorchSharp's optimizer format).</summary>
    public const string OptimizerSection = "optimizer";

    /// <summary>Reads the section; files written before the <c>spec</c> section existed hold flat options, converted here.</summary>
    /// <exception cref="InvalidDataException">The section is missing or unreadable; the message names the file.</exception>
    public static CheckpointMeta Read(Checkpoint checkpoint)
    {
        if (checkpoint.Contains(Checkpoint.SpecSection))
        {
            var meta = checkpoint.ReadJson<CheckpointMeta>(Section);
            meta.Options = meta.Options with { Model = checkpoint.ReadSpec() };
            return meta;
        }
        var legacy = checkpoint.ReadJson<LegacyMeta>(Section);
        var o = legacy.Options ?? throw new InvalidDataException($"{checkpoint.Path}: checkpoint section 'meta' holds no options");
        return new CheckpointMeta
        {
            Iteration = legacy.Iteration,
            LearningRate = legacy.LearningRate,
            Losses = legacy.Losses,
            RngScheme = legacy.RngScheme ?? Trainer.RngScheme,
            Options = FromLegacy(o, checkpoint.ReadSpec()),
        };
    }

    private static TrainingOptions FromLegacy(LegacyTrainingOptions o, ModelSpec spec) => new()
    {
        Data = new DataOptions { DatasetDir = o.DatasetDir, CacheDir = o.CacheDir },
        Model = spec,
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
        public LegacyTrainingOptions? Options { get; set; }
        public List<double> Losses { get; set; } = [];
        public string? RngScheme { get; set; }
    }

    /// <summary>
    /// The training part of the flat options that checkpoints kept before the spec had a section of its own (the model
    /// part comes from <see cref="Checkpoint.ReadSpec"/>). Read only, to resume those files.
    /// </summary>
    private sealed class LegacyTrainingOptions
    {
        public string DatasetDir { get; set; } = "";
        public string? CacheDir { get; set; }
        public string ResultDir { get; set; } = "results";
        public string Name { get; set; } = "i2sb";
        public ulong Seed { get; set; }
        public string? Device { get; set; }
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
    }
}

using Seismic.Diffusion.Runtime;
using System.Text.Json.Serialization;
using Seismic.Data;
using Seismic.Models;

namespace Seismic.Training;

/// <summary>
/// Every setting of a training run, with the Python reference's defaults (its flags in brackets), composed of focused
/// parts: where the data is (<see cref="Data"/>), what model is trained (<see cref="Model"/>, which checkpoints store
/// for sampling), how it is optimised (<see cref="Optimization"/>), when it saves, validates and logs
/// (<see cref="Schedule"/>), plus the run's identity. Immutable: variations with <c>with</c>. <see cref="Validate"/>
/// runs once, when a trainer is built. Serialised into every checkpoint.
/// </summary>
/// <example><code>
/// var options = new TrainingOptions
/// {
///     Data = new DataOptions { DatasetDir = "data/flatvel-a" },
///     Model = new ModelSpec { Network = ModelPreset.I2sbSmallCond.Network, ImageSize = 64 },
///     Optimization = new OptimizationOptions { BatchSize = 16, Microbatch = 16, NumIterations = 800 },
/// };
/// </code></example>
public sealed record TrainingOptions
{
    /// <summary>Where the dataset and its caches are. <see cref="DataOptions.DatasetDir"/> is required.</summary>
    public DataOptions Data { get; init; } = new();

    /// <summary>The model trained: network, bridge, corruption, dataset normalisation, image size. The default value is <c>new ModelSpec()</c> (the reference's defaults).</summary>
    public ModelSpec Model { get; init; } = new();

    /// <summary>Batches, iterations, AdamW, EMA and condition dropout.</summary>
    public OptimizationOptions Optimization { get; init; } = new();

    /// <summary>When checkpoints, validations and log lines happen.</summary>
    public ScheduleOptions Schedule { get; init; } = new();

    /// <summary>Folder for results: checkpoints, logs, figures (<c>--result-dir</c>). The default value is <c>results</c>.</summary>
    public string ResultDir { get; init; } = "results";

    /// <summary>Run name; results go to <c>ResultDir/Name</c> (<c>--name</c>). The default value is <c>i2sb</c>.</summary>
    public string Name { get; init; } = "i2sb";

    /// <summary>Seed of every random draw of the run: weights, data order, corruption, steps, noise (<c>--seed</c>). The default value is 0.</summary>
    public Seed Seed { get; init; }

    /// <summary>Device: null or <c>auto</c> (CUDA when available), <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or a GPU index (<c>--gpu</c>). The default value is null.</summary>
    public string? Device { get; init; }

    /// <summary>
    /// The number format of the forward and backward passes (<c>--precision</c>, docs/training.md, "Precision"): the
    /// weights, AdamW, the EMA, losses and checkpoints stay float32 whatever it is, so a run may be resumed in another
    /// precision. The default value is <see cref="Precision.Fp32"/>: results that do not depend on the machine.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>Checkpoint to resume from (<c>--ckpt</c>); null starts afresh. The default value is null.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// Checkpoint whose weights (network and EMA) start the run, with a fresh optimiser at iteration 0 (<c>--init-from</c>):
    /// this library's <c>.ckpt</c>, the Python original's <c>.pt</c>, or a bare state dict. Not with
    /// <see cref="ResumeFrom"/>. The default value is null (freshly initialised weights).
    /// </summary>
    public string? InitFrom { get; init; }

    /// <summary>
    /// Replace a run that already exists in <see cref="RunDir"/> (its <c>latest.ckpt</c>) when not resuming. The default
    /// value is false: starting afresh on an existing run is an error, so a finished run is never clobbered by accident.
    /// </summary>
    [JsonIgnore]
    public bool Overwrite { get; init; }

    /// <summary>The folder of this run: <c>ResultDir/Name</c>.</summary>
    [JsonIgnore]
    public string RunDir => Path.Combine(ResultDir, Name);

    /// <summary>
    /// Checks every setting, the parts' included; throws <see cref="ArgumentException"/> naming the first invalid one by
    /// its path (e.g. <c>Optimization.Microbatch</c>) and its allowed range. Upper bounds keep sizes within memory.
    /// </summary>
    public void Validate()
    {
        Check.Nested(nameof(Data), Check.Set(Data, nameof(Data)).Validate);
        Check.Nested(nameof(Model), Check.Set(Model, nameof(Model)).Validate);
        Check.Nested(nameof(Optimization), Check.Set(Optimization, nameof(Optimization)).Validate);
        Check.Nested(nameof(Schedule), Check.Set(Schedule, nameof(Schedule)).Validate);
        // The batch sizes are checked against memory here, where the whole model is known.
        Check.BatchMemory("Optimization.Microbatch", Optimization.Microbatch, Model.ImageSize, Model.Dataset.Ns);
        Check.BatchMemory("Schedule.ValBatchSize", Schedule.ValBatchSize, Model.ImageSize, Model.Dataset.Ns);
        Check.That(!string.IsNullOrWhiteSpace(Name) && Name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && Name is not ("." or ".."),
            nameof(Name), $"must be a valid folder name, got '{Name}'");
        Check.That(!string.IsNullOrWhiteSpace(ResultDir), nameof(ResultDir), "is required");
        Check.That(ResumeFrom is null || InitFrom is null, nameof(InitFrom), "starts a new run from a checkpoint's weights; it cannot be combined with ResumeFrom");
    }

    /// <summary>
    /// The settings that fix what a checkpoint is (the model spec, the seed and the batch layout that an exact resume
    /// replays, the EMA decay), with this run's value and the checkpoint's where they differ. Empty when
    /// <paramref name="checkpoint"/> can be resumed with these options; the rest (learning rate, iterations, schedule,
    /// ...) may change on resume.
    /// </summary>
    public IReadOnlyList<string> ResumeConflicts(TrainingOptions checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var conflicts = new List<string>();
        void Compare<T>(string name, T mine, T theirs)
        {
            if (!EqualityComparer<T>.Default.Equals(mine, theirs)) conflicts.Add($"{name} {theirs} in the checkpoint, {mine} now");
        }
        Compare("Model.Dataset", Model.Dataset.Key, checkpoint.Model.Dataset.Key);
        Compare("Model.ImageSize", Model.ImageSize, checkpoint.Model.ImageSize);
        Compare("Model.Network", Model.Network.ToString(), checkpoint.Model.Network.ToString());
        var (bridge, theirs) = (Model.Bridge, checkpoint.Model.Bridge);
        Compare("Model.Bridge.Interval", bridge.Interval, theirs.Interval);
        Compare("Model.Bridge.BetaMax", bridge.BetaMax, theirs.BetaMax);
        Compare("Model.Bridge.T0", bridge.T0, theirs.T0);
        Compare("Model.Bridge.T", bridge.T, theirs.T);
        Compare("Model.Bridge.OtOde", bridge.OtOde, theirs.OtOde);
        Compare("Model.Bridge.Parameterization", bridge.Parameterization, theirs.Parameterization);
        Compare("Model.Corruption", Model.Corruption.Name, checkpoint.Model.Corruption.Name);
        Compare(nameof(Seed), Seed, checkpoint.Seed);
        Compare("Optimization.BatchSize", Optimization.BatchSize, checkpoint.Optimization.BatchSize);
        Compare("Optimization.Microbatch", Optimization.Microbatch, checkpoint.Optimization.Microbatch);
        Compare("Optimization.EmaDecay", Optimization.EmaDecay, checkpoint.Optimization.EmaDecay);
        return conflicts;
    }

}

/// <summary>Where a run's data is. Immutable; checked by <see cref="TrainingOptions.Validate"/>.</summary>
public sealed record DataOptions
{
    /// <summary>OpenFWI-format dataset folder holding <c>train/</c> and <c>val/</c> (<c>--dataset-dir</c>). Required; the default value is empty.</summary>
    public string DatasetDir { get; init; } = "";

    /// <summary>Where LMDB caches live; null means inside each split folder (like the reference). The default value is null.</summary>
    public string? CacheDir { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException"><see cref="DatasetDir"/> is missing.</exception>
    public void Validate() => Check.That(!string.IsNullOrWhiteSpace(DatasetDir), nameof(DatasetDir), "is required");
}

/// <summary>How a run optimises: batches, iterations, AdamW, learning-rate decay, EMA and condition dropout. Immutable.</summary>
public sealed record OptimizationOptions
{
    /// <summary>Samples per optimiser iteration, over all processes (<c>--batch-size</c>). The default value is 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Samples per forward/backward pass; gradients of BatchSize/Microbatch passes are summed (<c>--microbatch</c>). The default value is 2.</summary>
    public int Microbatch { get; init; } = 2;

    /// <summary>Number of optimiser iterations (<c>--num-itr</c>). The default value is 1,000,000.</summary>
    public int NumIterations { get; init; } = 1_000_000;

    /// <summary>AdamW learning rate (<c>--lr</c>). The default value is 5e-5.</summary>
    public double LearningRate { get; init; } = 5e-5;

    /// <summary>Learning-rate decay factor applied every <see cref="LrStep"/> iterations; none when &gt;= 1 (<c>--lr-gamma</c>). The default value is 0.99.</summary>
    public double LrGamma { get; init; } = 0.99;

    /// <summary>Iterations between learning-rate decays (<c>--lr-step</c>). The default value is 1000.</summary>
    public int LrStep { get; init; } = 1000;

    /// <summary>AdamW weight decay (<c>--l2-norm</c>). The default value is 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Gradient-norm clipping threshold; null disables (<c>--clip-grad-norm</c>). The default value is null.</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>EMA decay (<c>--ema</c>). The default value is 0.99.</summary>
    public double EmaDecay { get; init; } = 0.99;

    /// <summary>Probability of dropping the seismic condition per sample (<c>--drop-cond</c>). The default value is 0.25.</summary>
    public double DropCond { get; init; } = 0.25;

    /// <summary>Shot/trace dropout augmentation of the condition (the reference's README state). The default value is true.</summary>
    public bool ShotTraceDropout { get; init; } = true;

    /// <summary>
    /// How the gradients of several processes combine (<c>--grad-reduce</c>; docs/distributed.md, "Sum or mean"). The default
    /// value is <see cref="Training.GradientReduction.Sum"/>: the gradient of the whole batch, whatever the number of processes.
    /// </summary>
    public GradientReduction GradientReduction { get; init; } = GradientReduction.Sum;

    /// <summary>
    /// Checks the settings. The memory of the batch sizes is checked by <see cref="TrainingOptions.Validate"/>, which
    /// knows the whole model.
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of range; ParamName and the message name it (<c>Microbatch</c>, ...).</exception>
    public void Validate()
    {
        Check.That(BatchSize > 0, nameof(BatchSize), $"must be positive, got {BatchSize}");
        Check.That(Microbatch > 0 && Microbatch <= BatchSize && BatchSize % Microbatch == 0, nameof(Microbatch), $"must divide BatchSize: {BatchSize} % {Microbatch} != 0");
        Check.That(NumIterations > 0, nameof(NumIterations), $"must be positive, got {NumIterations}");
        Check.That(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"must be positive and finite, got {LearningRate}");
        Check.That(LrGamma > 0 && double.IsFinite(LrGamma), nameof(LrGamma), $"must be positive and finite, got {LrGamma}");
        Check.That(LrStep > 0, nameof(LrStep), $"must be positive, got {LrStep}");
        Check.That(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), $"must be >= 0 and finite, got {WeightDecay}");
        Check.That(ClipGradNorm is null || (ClipGradNorm > 0 && double.IsFinite(ClipGradNorm.Value)), nameof(ClipGradNorm), $"must be positive and finite, got {ClipGradNorm}");
        Check.That(EmaDecay is >= 0 and < 1, nameof(EmaDecay), $"must be in [0, 1), got {EmaDecay}");
        Check.That(DropCond is >= 0 and <= 1, nameof(DropCond), $"must be in [0, 1], got {DropCond}");
        Check.That(Enum.IsDefined(GradientReduction), nameof(GradientReduction), $"{GradientReduction} is not defined");
    }
}

/// <summary>How a data-parallel run combines the gradients of its processes (<see cref="OptimizationOptions.GradientReduction"/>).</summary>
public enum GradientReduction
{
    /// <summary>
    /// The sum over processes: each iteration's gradient is the sum over all BatchSize/Microbatch microbatches, exactly as in
    /// one process, so results do not depend on the number of processes (<c>--grad-reduce sum</c>).
    /// </summary>
    Sum,

    /// <summary>
    /// The mean over N processes, as PyTorch DDP (and so the original's multi-GPU runs) computes it: the sum divided by N
    /// (<c>--grad-reduce mean</c>). Reproduces an N-GPU run of the original with its own <c>--clip-grad-norm</c>.
    /// </summary>
    Mean,
}

/// <summary>Where a run's output goes to: its log writer.</summary>
public enum LogWriter
{
    /// <summary>Log lines only (through the host's logger).</summary>
    None,

    /// <summary>Also TensorBoard event files in <c>RunDir/tensorboard</c> (<c>--log-writer tensorboard</c>).</summary>
    TensorBoard,
}

/// <summary>When a run saves, validates and logs, and how long it may take. Immutable.</summary>
public sealed record ScheduleOptions
{
    /// <summary>Iterations between checkpoints (<c>--save-every</c>). The default value is 5000.</summary>
    public int SaveEvery { get; init; } = 5000;

    /// <summary>Iterations between validations (<c>--validate-every</c>). The default value is 3000.</summary>
    public int ValidateEvery { get; init; } = 3000;

    /// <summary>Validation batches sampled at NFE = 1 with the EMA weights; 0 skips validation (<c>--val-batches</c>). The default value is 100, the reference's.</summary>
    public int ValBatches { get; init; } = 100;

    /// <summary>Validation batch size (<c>--val-batch-size</c>). The default value is 16.</summary>
    public int ValBatchSize { get; init; } = 16;

    /// <summary>Classifier-free guidance weight of validation sampling; 0 is one conditional call. The default value is 0.</summary>
    public double ValGuidance { get; init; }

    /// <summary>Iterations between log lines (<c>--log-every</c>). The default value is 10.</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>Extra log output (<c>--log-writer</c>). The default value is <see cref="Training.LogWriter.None"/>.</summary>
    public LogWriter LogWriter { get; init; }

    /// <summary>Stop after this wall-clock time (bounded runs such as the quickstart); null means no limit. The default value is null.</summary>
    [JsonIgnore]
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>
    /// Checks the settings. The memory of the batch sizes is checked by <see cref="TrainingOptions.Validate"/>, which
    /// knows the whole model.
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of range; ParamName and the message name it (<c>SaveEvery</c>, ...).</exception>
    public void Validate()
    {
        Check.That(SaveEvery > 0, nameof(SaveEvery), $"must be positive, got {SaveEvery}");
        Check.That(ValidateEvery > 0, nameof(ValidateEvery), $"must be positive, got {ValidateEvery}");
        Check.That(ValBatches >= 0, nameof(ValBatches), $"must be >= 0, got {ValBatches}");
        Check.That(ValBatchSize > 0, nameof(ValBatchSize), $"must be positive, got {ValBatchSize}");
        Check.That(double.IsFinite(ValGuidance), nameof(ValGuidance), $"must be finite, got {ValGuidance}");
        Check.That(LogEvery > 0, nameof(LogEvery), $"must be positive, got {LogEvery}");
        Check.That(Enum.IsDefined(LogWriter), nameof(LogWriter), $"{LogWriter} is not defined");
        Check.That(TimeLimit is null || TimeLimit > TimeSpan.Zero, nameof(TimeLimit), $"must be positive, got {TimeLimit?.TotalMinutes} minutes");
    }
}

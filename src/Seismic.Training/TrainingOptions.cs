using System.Text.Json.Serialization;

namespace Seismic.Training;

/// <summary>
/// Every knob of a training run, with the Python reference's defaults (its README flags in brackets).
/// Validated by <see cref="Validate"/> when a trainer is built. Serialised into every checkpoint.
/// </summary>
public sealed class TrainingOptions
{
    // ----- data -----

    /// <summary>OpenFWI-format dataset folder holding <c>train/</c> and <c>val/</c> (<c>--dataset-dir</c>). Required.</summary>
    public string DatasetDir { get; set; } = "";

    /// <summary>OpenFWI dataset name, e.g. <c>FlatVel_A</c> (<c>--dataset-name</c>). The default value is <c>FlatVel_A</c>.</summary>
    public string DatasetName { get; set; } = "FlatVel_A";

    /// <summary>User JSON with OpenFWI dataset bounds (<c>--json-data-config</c>); null uses the embedded table.</summary>
    public string? DataConfigPath { get; set; }

    /// <summary>Where LMDB caches live; null means inside each split folder (like the reference).</summary>
    public string? CacheDir { get; set; }

    /// <summary>Image size S the model sees, a positive multiple of 8 (<c>--image-size</c>). The default value is 256.</summary>
    public int ImageSize { get; set; } = 256;

    // ----- run -----

    /// <summary>Folder for results: checkpoints, logs, figures (<c>--result-dir</c>). The default value is <c>results</c>.</summary>
    public string ResultDir { get; set; } = "results";

    /// <summary>Run name; results go to <c>ResultDir/Name</c> (<c>--name</c>). The default value is <c>i2sb</c>.</summary>
    public string Name { get; set; } = "i2sb";

    /// <summary>Seed of every random draw of the run (<c>--seed</c>). The default value is 0.</summary>
    public int Seed { get; set; }

    /// <summary>Device: null or <c>auto</c> (CUDA when available), <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or a GPU index (<c>--gpu</c>).</summary>
    public string? Device { get; set; }

    /// <summary>Checkpoint to resume from (<c>--ckpt</c>); null starts afresh.</summary>
    public string? ResumeFrom { get; set; }

    // ----- model -----

    /// <summary>U-Net preset (<c>--model</c>): unet_ch32, unet_ch64, i2sb_small, i2sb_small_cond, i2sb_large, i2sb_large_cond. The default value is <c>unet_ch32</c>.</summary>
    public string Model { get; set; } = "unet_ch32";

    /// <summary>
    /// A custom U-Net architecture; when set it replaces the <see cref="Model"/> preset (e.g. a tiny network for
    /// tests or a CPU quickstart). The default value is null.
    /// </summary>
    public Seismic.Models.AdmUNetOptions? Network { get; set; }

    /// <summary>The network predicts x0 instead of the noise-like label (<c>--pred-x0</c>). The default value is false.</summary>
    public bool PredX0 { get; set; }

    // ----- bridge -----

    /// <summary>Number of bridge steps N, even (<c>--interval</c>). The default value is 1000.</summary>
    public int Interval { get; set; } = 1000;

    /// <summary>Maximum beta of the schedule (<c>--beta-max</c>). The default value is 0.3.</summary>
    public double BetaMax { get; set; } = 0.3;

    /// <summary>Start of the network time input range (<c>--t0</c>). The default value is 1e-4.</summary>
    public double T0 { get; set; } = 1e-4;

    /// <summary>End of the network time input range (<c>--T</c>). The default value is 1.0.</summary>
    public double T { get; set; } = 1.0;

    /// <summary>Optimal-transport ODE bridge: q_sample without noise and deterministic sampling (<c>--ot-ode</c>). The default value is false.</summary>
    public bool OtOde { get; set; }

    /// <summary>Clamp x0_hat to [-1, 1] while sampling (<c>--clip-denoise</c>). The default value is false.</summary>
    public bool ClipDenoise { get; set; }

    /// <summary>Corruption preset x0 -> x1 (<c>--corrupt</c>). The default value is <c>blur-openfwi_custom</c>.</summary>
    public string Corrupt { get; set; } = "blur-openfwi_custom";

    // ----- conditioning -----

    /// <summary>Probability of dropping the seismic condition per sample (<c>--drop_cond</c>). The default value is 0.25.</summary>
    public double DropCond { get; set; } = 0.25;

    /// <summary>Shot/trace dropout augmentation of the condition (README state). The default value is true.</summary>
    public bool ShotTraceDropout { get; set; } = true;


    /// <summary>Samples per optimiser iteration (<c>--batch-size</c>). The default value is 256.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>Samples per forward/backward pass; gradients of BatchSize/Microbatch passes are summed (<c>--microbatch</c>). The default value is 2.</summary>
    public int Microbatch { get; set; } = 2;

    /// <summary>Number of optimiser iterations (<c>--num-itr</c>). The default value is 1,000,000.</summary>
    public int NumIterations { get; set; } = 1_000_000;

    /// <summary>AdamW learning rate (<c>--lr</c>). The default value is 5e-5.</summary>
    public double LearningRate { get; set; } = 5e-5;

    /// <summary>Learning-rate decay factor applied every <see cref="LrStep"/> iterations; none when &gt;= 1 (<c>--lr-gamma</c>). The default value is 0.99.</summary>
    public double LrGamma { get; set; } = 0.99;

    /// <summary>Iterations between learning-rate decays (<c>--lr-step</c>). The default value is 1000.</summary>
    public int LrStep { get; set; } = 1000;

    /// <summary>AdamW weight decay (<c>--l2-norm</c>). The default value is 0.</summary>
    public double WeightDecay { get; set; }

    /// <summary>Gradient-norm clipping threshold; null disables (<c>--clip_grad_norm</c>). The default value is null.</summary>
    public double? ClipGradNorm { get; set; }

    /// <summary>EMA decay (<c>--ema</c>). The default value is 0.99.</summary>
    public double EmaDecay { get; set; } = 0.99;

    // ----- checkpoints, validation, logging -----

    /// <summary>Iterations between checkpoints. The default value is 5000.</summary>
    public int SaveEvery { get; set; } = 5000;

    /// <summary>Iterations between validations. The default value is 3000.</summary>
    public int ValidateEvery { get; set; } = 3000;

    /// <summary>Validation batches sampled at NFE = 1 (<c>--val-batches</c>). The default value is 2.</summary>
    public int ValBatches { get; set; } = 2;

    /// <summary>Validation batch size. The default value is 16.</summary>
    public int ValBatchSize { get; set; } = 16;

    /// <summary>Iterations between log lines. The default value is 10.</summary>
    public int LogEvery { get; set; } = 10;

    /// <summary>Log writer: null (none) or <c>tensorboard</c> (<c>--log-writer</c>).</summary>
    public string? LogWriter { get; set; }

    /// <summary>Classifier-free guidance weight used by validation sampling; 0 is one conditional call. The default value is 0.</summary>
    public double Guidance { get; set; }

    /// <summary>Stop after this wall-clock time (for bounded runs such as the quickstart); null means no limit.</summary>
    [JsonIgnore]
    public TimeSpan? TimeLimit { get; set; }

    /// <summary>
    /// Replace a run that already exists in <see cref="RunDir"/> (its <c>latest.ckpt</c>) when not resuming. The default
    /// value is false: starting afresh on an existing run is an error, so a finished run is never clobbered by accident.
    /// </summary>
    [JsonIgnore]
    public bool Overwrite { get; set; }

    /// <summary>The folder of this run: <c>ResultDir/Name</c>.</summary>
    [JsonIgnore]
    public string RunDir => Path.Combine(ResultDir, Name);

    /// <summary>
    /// Checks every option; throws <see cref="ArgumentException"/> naming the first invalid one (by its property name)
    /// and its allowed range. Upper bounds keep sizes within memory and 32-bit counts.
    /// </summary>
    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(DatasetDir), "DatasetDir is required");
        Require(!string.IsNullOrWhiteSpace(Name) && Name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && Name is not ("." or ".."),
            $"Name must be a valid folder name, got '{Name}'");
        Require(ImageSize > 0 && ImageSize % 8 == 0, $"ImageSize must be a positive multiple of 8, got {ImageSize}");
        Require(ImageSize <= MaxImageSize, $"ImageSize must be at most {MaxImageSize}, got {ImageSize} (one sample would take {Gib(SampleBytes(1, ImageSize))})");
        Require(Interval is >= 2 and <= MaxInterval && Interval % 2 == 0, $"Interval must be even and in [2, {MaxInterval}], got {Interval}");
        Require(BetaMax > 0 && double.IsFinite(BetaMax), $"BetaMax must be positive and finite, got {BetaMax}");
        Require(T0 > 0 && T > T0 && double.IsFinite(T), $"T0 and T must satisfy 0 < T0 < T < infinity, got T0 = {T0}, T = {T}");
        Require(DropCond is >= 0 and <= 1, $"DropCond must be in [0, 1], got {DropCond}");
        Require(BatchSize > 0, $"BatchSize must be positive, got {BatchSize}");
        Require(Microbatch > 0 && Microbatch <= BatchSize && BatchSize % Microbatch == 0,
            $"Microbatch must divide BatchSize: {BatchSize} % {Microbatch} != 0");
        RequireMemory(nameof(Microbatch), Microbatch);
        RequireMemory(nameof(ValBatchSize), ValBatchSize);
        Require(NumIterations > 0, $"NumIterations must be positive, got {NumIterations}");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"LearningRate must be positive and finite, got {LearningRate}");
        Require(LrGamma > 0 && double.IsFinite(LrGamma), $"LrGamma must be positive and finite, got {LrGamma}");
        Require(LrStep > 0, $"LrStep must be positive, got {LrStep}");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), $"WeightDecay must be >= 0 and finite, got {WeightDecay}");
        Require(ClipGradNorm is null || (ClipGradNorm > 0 && double.IsFinite(ClipGradNorm.Value)), $"ClipGradNorm must be positive and finite, got {ClipGradNorm}");
        Require(EmaDecay is >= 0 and < 1, $"EmaDecay must be in [0, 1), got {EmaDecay}");
        Require(SaveEvery > 0, $"SaveEvery must be positive, got {SaveEvery}");
        Require(ValidateEvery > 0, $"ValidateEvery must be positive, got {ValidateEvery}");
        Require(ValBatches >= 0, $"ValBatches must be >= 0, got {ValBatches}");
        Require(ValBatchSize > 0, $"ValBatchSize must be positive, got {ValBatchSize}");
        Require(LogEvery > 0, $"LogEvery must be positive, got {LogEvery}");
        Require(LogWriter is null or "tensorboard" or "none", $"LogWriter must be 'tensorboard' or unset, got '{LogWriter}'");
        Require(double.IsFinite(Guidance), $"Guidance must be finite, got {Guidance}");
        Require(TimeLimit is null || TimeLimit > TimeSpan.Zero, $"TimeLimit must be positive, got {TimeLimit?.TotalMinutes} minutes");
    }

    /// <summary>The largest <see cref="ImageSize"/> accepted (as the data cache's).</summary>
    public const int MaxImageSize = Seismic.Data.Transforms.SampleTransform.MaxImageSize;

    /// <summary>The largest <see cref="Interval"/> accepted (the reference uses 1000; the schedule keeps several arrays of this length).</summary>
    public const int MaxInterval = 1_000_000;

    /// <summary>
    /// The options that fix what a checkpoint is (architecture, bridge, data and the random streams that an exact resume
    /// replays), with this run's value and the checkpoint's where they differ. Empty when <paramref name="checkpoint"/> can
    /// be resumed with these options; the rest (learning rate, iterations, frequencies, ...) may change on resume.
    /// </summary>
    public IReadOnlyList<string> ResumeConflicts(TrainingOptions checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var conflicts = new List<string>();
        void Compare<T>(string name, T mine, T theirs)
        {
            if (!EqualityComparer<T>.Default.Equals(mine, theirs)) conflicts.Add($"{name} {theirs} in the checkpoint, {mine} now");
        }
        Compare(nameof(DatasetName), DatasetName, checkpoint.DatasetName);
        Compare(nameof(ImageSize), ImageSize, checkpoint.ImageSize);
        Compare(nameof(Model), Model, checkpoint.Model);
        Compare(nameof(Network), System.Text.Json.JsonSerializer.Serialize(Network), System.Text.Json.JsonSerializer.Serialize(checkpoint.Network));
        Compare(nameof(PredX0), PredX0, checkpoint.PredX0);
        Compare(nameof(Interval), Interval, checkpoint.Interval);
        Compare(nameof(BetaMax), BetaMax, checkpoint.BetaMax);
        Compare(nameof(T0), T0, checkpoint.T0);
        Compare(nameof(T), T, checkpoint.T);
        Compare(nameof(OtOde), OtOde, checkpoint.OtOde);
        Compare(nameof(Corrupt), Corrupt, checkpoint.Corrupt);
        Compare(nameof(Seed), Seed, checkpoint.Seed);
        Compare(nameof(BatchSize), BatchSize, checkpoint.BatchSize);
        Compare(nameof(Microbatch), Microbatch, checkpoint.Microbatch);
        Compare(nameof(EmaDecay), EmaDecay, checkpoint.EmaDecay);
        return conflicts;
    }

    /// <summary>A shallow copy.</summary>
    public TrainingOptions Clone() => (TrainingOptions)MemberwiseClone();

    private static void Require(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }

    // The input tensors of one batch of `count` samples (1 velocity + 5 seismic channels of S x S float32) must fit
    // in memory several times over: activations and gradients of the network take far more.
    private void RequireMemory(string name, int count)
    {
        long need = SampleBytes(count, ImageSize);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Require(need <= available / 4,
            $"{name} {count} at ImageSize {ImageSize} needs {Gib(need)} for the batch's input alone, more than a quarter of the {Gib(available)} of memory available");
    }

    private static long SampleBytes(long count, long imageSize) => count * 6 * imageSize * imageSize * sizeof(float);

    private static string Gib(long bytes) => $"{bytes / (double)(1L << 30):0.##} GiB";
}

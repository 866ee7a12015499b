using Microsoft.Extensions.Logging;
using Seismic.Data.Cache;
using Seismic.Data.IO;
using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion.Corruption;
using Seismic.Diffusion.Runtime;

namespace Seismic.Training;

/// <summary>
/// Composes a <see cref="Trainer"/>: options (with the reference's defaults), datasets, device, logging and progress.
/// Everything is validated in <see cref="Build"/>, before any training starts.
/// </summary>
/// <example><code>
/// using var trainer = Trainer.CreateBuilder()
///     .Options(o => { o.DatasetDir = "data/flatvel-a"; o.ImageSize = 64; o.Model = "i2sb_small_cond"; })
///     .Logger(logger)
///     .Build();
/// var result = trainer.Run();
/// </code></example>
public sealed class TrainerBuilder
{
    private TrainingOptions _options = new();
    private ILogger? _logger;
    private IProgress<TrainingProgress>? _progress;
    private IProgress<CacheBuildProgress>? _cacheProgress;
    private SeismicDataset? _train;
    private SeismicDataset? _val;
    private bool _withValidation = true;

    /// <summary>Replaces the options object.</summary>
    public TrainerBuilder Options(TrainingOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Edits the options in place.</summary>
    public TrainerBuilder Options(Action<TrainingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(_options);
        return this;
    }

    /// <summary>Logs run events (iterations, validations, checkpoints) to a host application's logger.</summary>
    public TrainerBuilder Logger(ILogger? logger)
    {
        _logger = logger;
        return this;
    }

    /// <summary>Receives a report after every iteration.</summary>
    public TrainerBuilder Progress(IProgress<TrainingProgress>? progress)
    {
        _progress = progress;
        return this;
    }

    /// <summary>Receives reports while a dataset cache is built on first use.</summary>
    public TrainerBuilder CacheProgress(IProgress<CacheBuildProgress>? progress)
    {
        _cacheProgress = progress;
        return this;
    }

    /// <summary>Uses already built datasets instead of opening them from <see cref="TrainingOptions.DatasetDir"/>.</summary>
    public TrainerBuilder Datasets(SeismicDataset train, SeismicDataset? val)
    {
        _train = train ?? throw new ArgumentNullException(nameof(train));
        _val = val;
        return this;
    }

    /// <summary>Skips the validation split (no validation during training).</summary>
    public TrainerBuilder WithoutValidation()
    {
        _withValidation = false;
        return this;
    }

    /// <summary>
    /// Validates the options, opens (and if needed caches) the datasets, builds the model on the requested device and,
    /// with <see cref="TrainingOptions.ResumeFrom"/>, restores the checkpoint.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid, or CUDA was requested but is unavailable.</exception>
    /// <exception cref="RunConflictException">Another process trains in the run folder, a run exists there and neither
    /// <see cref="TrainingOptions.ResumeFrom"/> nor <see cref="TrainingOptions.Overwrite"/> is set, or the checkpoint
    /// to resume contradicts the options (every difference is listed).</exception>
    public Trainer Build()
    {
        var o = _options.Clone();
        o.Validate();
        if (!CorruptionPresets.Names.Contains(o.Corrupt))
            throw new ArgumentException($"Corrupt '{o.Corrupt}' is unknown; valid: {string.Join(", ", CorruptionPresets.Names)}");
        var device = TorchRuntime.ResolveDevice(o.Device);
        var corruption = CorruptionPresets.Create(o.Corrupt);

        // One writer per run folder, and never a silent replacement of an existing run.
        var runLock = RunLock.Acquire(o.RunDir);
        Trainer? trainer = null;
        try
        {
            var latest = Path.Combine(o.RunDir, Trainer.CheckpointFileName);
            AtomicFile.RemoveStaleTemporaries(latest);
            if (o.ResumeFrom is null && !o.Overwrite && File.Exists(latest))
                throw new RunConflictException(
                    $"{o.RunDir} already holds a run ({latest}); give ResumeFrom to resume it, Overwrite to replace it, or another Name");

            var train = _train ?? OpenSplit(o, DatasetSplit.Train);
            var val = _train is not null ? _val : _withValidation && o.ValBatches > 0 ? OpenSplit(o, DatasetSplit.Val) : null;
            if (train.ImageSize != o.ImageSize)
                throw new ArgumentException($"The training dataset has image size {train.ImageSize} but ImageSize is {o.ImageSize}");
            if (train.Count < o.Microbatch)
                throw new ArgumentException($"The training split has {train.Count} samples, fewer than Microbatch {o.Microbatch}");

            var model = BridgeModel.Create(o, device);
            trainer = new Trainer(o, model, train, _withValidation ? val : null, corruption, _logger, _progress, ownsDatasets: _train is null, runLock);
            if (o.ResumeFrom is { } ckpt) trainer.LoadCheckpoint(ckpt);
            return trainer;
        }
        catch
        {
            if (trainer is not null) trainer.Dispose();
            else runLock.Dispose();
            throw;
        }
    }

    private SeismicDataset OpenSplit(TrainingOptions o, DatasetSplit split)
    {
        var builder = SeismicDataset.Builder()
            .FromDirectory(o.DatasetDir)
            .Dataset(o.DatasetName)
            .Split(split)
            .ImageSize(o.ImageSize)
            .Progress(_cacheProgress);
        if (o.CacheDir is not null) builder.CacheDirectory(Path.Combine(o.CacheDir, split.FolderName()));
        if (o.DataConfigPath is not null) builder.Config(o.DataConfigPath);
        return builder.Build();
    }
}

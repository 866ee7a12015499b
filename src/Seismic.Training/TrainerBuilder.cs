using Microsoft.Extensions.Logging;
using Seismic.Data.Cache;
using Seismic.Data.IO;
using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion.Runtime;
using Seismic.Models;
using Seismic.Training.Distributed;

namespace Seismic.Training;

/// <summary>
/// Composes a <see cref="Trainer"/>: options (with the reference's defaults), datasets, logging and progress.
/// Everything is validated once in <see cref="Build"/>, before any training starts; what <see cref="Build"/> opens is
/// closed again when a later step fails, and otherwise owned by the trainer.
/// </summary>
/// <example><code>
/// using var trainer = Trainer.CreateBuilder()
///     .Options(new TrainingOptions { Data = new DataOptions { DatasetDir = "data/flatvel-a" }, Model = new ModelSpec { ImageSize = 64 } })
///     .Logger(logger)
///     .Build();
/// var result = trainer.Run();
/// </code></example>
public sealed class TrainerBuilder
{
    private TrainingOptions _options = new();
    private ILogger? _logger;
    private IProgress<CacheBuildProgress>? _cacheProgress;
    private SeismicDataset? _train;
    private SeismicDataset? _val;
    private IProcessGroup _group = SingleProcessGroup.Instance;
    private IBucketCollectives? _collectives;

    /// <summary>The run's options (the reference's defaults when not called).</summary>
    public TrainerBuilder Options(TrainingOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Logs run events (iterations, validations, checkpoints) to a host application's logger.</summary>
    public TrainerBuilder Logger(ILogger? logger)
    {
        _logger = logger;
        return this;
    }

    /// <summary>Receives reports while a dataset cache is built on first use.</summary>
    public TrainerBuilder CacheProgress(IProgress<CacheBuildProgress>? progress)
    {
        _cacheProgress = progress;
        return this;
    }

    /// <summary>
    /// Uses already built datasets instead of opening them from <see cref="DataOptions.DatasetDir"/>; they stay the
    /// caller's to dispose. Without <paramref name="val"/> the run does not validate (with datasets opened from
    /// <see cref="DataOptions.DatasetDir"/>, <see cref="ScheduleOptions.ValBatches"/> = 0 does the same).
    /// </summary>
    public TrainerBuilder Datasets(SeismicDataset train, SeismicDataset? val)
    {
        _train = train ?? throw new ArgumentNullException(nameof(train));
        _val = val;
        return this;
    }

    /// <summary>
    /// Trains data-parallel over <paramref name="group"/> (e.g. <c>ProcessGroups.Create()</c> under <c>mpirun</c>);
    /// every rank builds its trainer with the same options. The group stays the caller's to dispose. The default is a
    /// single process. Run the trainer inside <see cref="ProcessGroupExtensions.RunOrAbort"/> so that a failure on one
    /// rank ends the job instead of hanging it.
    /// </summary>
    /// <param name="group">The job.</param>
    /// <param name="collectives">How gradient buckets are exchanged (e.g. an NCCL implementation keeping them on the GPU);
    /// null exchanges them through host memory over <paramref name="group"/> (<see cref="HostBucketCollectives"/>).</param>
    /// <exception cref="ArgumentException"><paramref name="collectives"/> exchanges over another group.</exception>
    public TrainerBuilder ProcessGroup(IProcessGroup group, IBucketCollectives? collectives = null)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (collectives is not null && !ReferenceEquals(collectives.Group, group))
            throw new ArgumentException("The bucket collectives must exchange over the trainer's process group", nameof(collectives));
        (_group, _collectives) = (group, collectives);
        return this;
    }

    /// <summary>
    /// Validates the options, opens (and if needed caches) the datasets, builds the model on the requested device and,
    /// with <see cref="TrainingOptions.ResumeFrom"/>, restores the checkpoint.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it by its path, e.g. <c>Optimization.Microbatch</c>),
    /// the datasets do not fit the model, or CUDA was requested but is unavailable.</exception>
    /// <exception cref="RunConflictException">Another process trains in the run folder, a run exists there and neither
    /// <see cref="TrainingOptions.ResumeFrom"/> nor <see cref="TrainingOptions.Overwrite"/> is set, or the checkpoint
    /// to resume contradicts the options (every difference is listed).</exception>
    public Trainer Build()
    {
        var o = _options;
        o.Validate();
        int microbatches = o.Optimization.BatchSize / o.Optimization.Microbatch;
        Check.That(microbatches % _group.Size == 0, "Optimization.BatchSize",
            $"must be a multiple of Optimization.Microbatch {o.Optimization.Microbatch} times the {_group.Size} processes " +
            $"(so that every process gets the same number of microbatches), got {o.Optimization.BatchSize}");
        var device = DeviceOf(o.Device, _group);
        PrecisionChoice.Resolve(o.Precision, device); // fp16 without CUDA fails here, before anything is opened

        // One writer per run folder (rank 0 writes for the whole job), and never a silent replacement of an existing run.
        var opened = new List<IDisposable>();
        if (_group.Rank == 0) opened.Add(RunLock.Acquire(o.RunDir));
        try
        {
            var latest = Path.Combine(o.RunDir, Trainer.CheckpointFileName);
            AtomicFile.RemoveStaleTemporaries(latest);
            if (o.ResumeFrom is null && !o.Overwrite && File.Exists(latest))
                throw new RunConflictException(
                    $"{o.RunDir} already holds a run ({latest}); give ResumeFrom to resume it, Overwrite to replace it, or another Name");

            bool ownsDatasets = _train is null;
            // Rank 0 builds the dataset caches (once, on first use); the other ranks open them when they are complete.
            if (_group.Rank != 0) _group.Barrier();
            var train = _train ?? Open(opened, o, DatasetSplit.Train);
            var val = !ownsDatasets ? _val : o.Schedule.ValBatches > 0 ? Open(opened, o, DatasetSplit.Val) : null;
            if (_group.Rank == 0) _group.Barrier();
            Check.That(train.ImageSize == o.Model.ImageSize, "Model.ImageSize", $"must be the training dataset's image size {train.ImageSize}, got {o.Model.ImageSize}");
            Check.That(train.Count >= o.Optimization.Microbatch, "Optimization.Microbatch",
                $"must be at most the {train.Count} samples of the training split, got {o.Optimization.Microbatch}");

            var model = BridgeModel.Create(o.Model, device, o.Seed, o.Optimization.EmaDecay);
            opened.Add(model);
            model.UsePrecision(o.Precision);
            var trainer = new Trainer(o, model, train, val, _logger, ownsDatasets,
                                      opened.OfType<RunLock>().FirstOrDefault(), _group, _collectives);
            opened = [trainer]; // from here the trainer owns the lock, the model and the datasets it was given to own
            trainer.Restore(); // ResumeFrom (this library's checkpoint or the original's latest.pt), else InitFrom's weights
            return trainer;
        }
        catch
        {
            for (int i = opened.Count - 1; i >= 0; i--) opened[i].Dispose();
            throw;
        }
    }

    /// <summary>The device of this rank: as requested, except that several processes on a node with several GPUs and no
    /// explicit index take one GPU each (<c>cuda:LocalRank</c>).</summary>
    private static TorchSharp.torch.Device DeviceOf(string? request, IProcessGroup group)
    {
        var device = TorchRuntime.ResolveDevice(request);
        bool explicitIndex = request is not null && (request.Contains(':') || int.TryParse(request, out _));
        if (device.type != TorchSharp.DeviceType.CUDA || explicitIndex || group.LocalSize < 2) return device;
        int count = TorchSharp.torch.cuda.device_count();
        return count > 1 ? TorchSharp.torch.device(TorchSharp.DeviceType.CUDA, group.LocalRank % count) : device;
    }

    private SeismicDataset Open(List<IDisposable> opened, TrainingOptions o, DatasetSplit split)
    {
        var builder = SeismicDataset.Builder()
            .FromDirectory(o.Data.DatasetDir)
            .Dataset(o.Model.Dataset)
            .Split(split)
            .ImageSize(o.Model.ImageSize)
            .Progress(_cacheProgress);
        if (o.Data.CacheDir is not null) builder.CacheDirectory(Path.Combine(o.Data.CacheDir, split.FolderName()));
        var dataset = builder.Build();
        opened.Add(dataset);
        return dataset;
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Seismic.Data;
using Seismic.Data.Loading;
using Seismic.Diffusion.Conditioning;
using Seismic.Diffusion.Corruption;
using Seismic.Models;
using Seismic.Models.Checkpoints;
using Seismic.Models.Evaluation;
using Seismic.Training.Checkpoints;
using Seismic.Training.Distributed;
using Seismic.Training.Logging;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seismic.Training;

/// <summary>
/// Trains the conditional bridge (docs/training.md, "What one iteration does"): per iteration, BatchSize/Microbatch microbatches whose gradients are
/// summed, optional gradient-norm clipping, AdamW, the EMA update and the step learning-rate decay. Validates with
/// the EMA weights, writes atomic checkpoints and resumes from them exactly. Build it with <see cref="TrainerBuilder"/>.
/// The trainer owns what its builder created for it (the model, and the datasets it opened); datasets handed to the
/// builder stay the caller's.
/// <para>Data-parallel over an <see cref="IProcessGroup"/> (docs/training.md, "Several processes and machines"): the
/// BatchSize/Microbatch global microbatches of an iteration are dealt out to the ranks (microbatch j to rank j mod size),
/// each drawn from (seed, iteration, j) whatever the world size, gradients are summed over ranks in buckets, and every
/// rank applies the same AdamW and EMA update. Only rank 0 writes checkpoints, logs and TensorBoard events.</para>
/// </summary>
public sealed partial class Trainer : IDisposable
{
    /// <summary>How a run's randomness is derived (recorded in checkpoints).</summary>
    internal const string RngScheme =
        "torch CPU generator reseeded per global microbatch from Seed.Derive(iteration, microbatch); data order from System.Random(seed) per epoch";

    private readonly TrainingOptions _options;
    private readonly SeismicDataset _train;
    private readonly SeismicDataset? _val;
    private readonly ICorruption _corruption;
    private readonly ILogger _logger;
    private readonly AdamW _optimizer;
    private readonly Generator _generator = new(0, CPU);
    private readonly List<double> _losses = [];
    private readonly int _microbatches;
    private readonly IProcessGroup _group;
    private readonly GradientReducer? _reducer;
    // Since Run started: time in the loss all-reduce, which is mostly waiting for the slowest rank's backward pass, and
    // in the gradient all-reduce, which is the communication itself (with its copies).
    private readonly Stopwatch _waiting = new(), _communication = new();
    private int _firstIteration;
    private IEnumerator<(int[] Indices, long Epoch)> _order;
    private BatchLoader _trainLoader;
    private double _learningRate;
    private readonly bool _ownsDatasets;
    private readonly TensorBoardLog? _tensorBoard;
    private readonly RunLock? _runLock;
    private readonly LossScale? _lossScale;

    internal Trainer(TrainingOptions options, BridgeModel model, SeismicDataset train, SeismicDataset? val,
                     ILogger? logger, bool ownsDatasets, RunLock? runLock, IProcessGroup group,
                     IBucketCollectives? collectives)
    {
        _group = group;
        _runLock = runLock;
        _ownsDatasets = ownsDatasets;
        _options = options;
        Model = model;
        _train = train;
        _val = val;
        _corruption = model.Spec.Corruption.Create();
        _logger = group.Rank == 0 ? logger ?? NullLogger.Instance : NullLogger.Instance;
        var optimization = options.Optimization;
        _microbatches = optimization.BatchSize / optimization.Microbatch;
        _learningRate = optimization.LearningRate;
        _optimizer = optim.AdamW(model.Network.parameters(), lr: optimization.LearningRate, beta1: 0.9, beta2: 0.999,
                                 eps: 1e-8, weight_decay: optimization.WeightDecay);
        _trainLoader = train.CreateLoader(new BatchLoaderOptions
        {
            BatchSize = optimization.Microbatch, Shuffle = true, Seed = options.Seed, DropLast = true, Endless = true,
        });
        _order = _trainLoader.IndexBatches().GetEnumerator();
        if (model.ComputePrecision.Precision == Seismic.Diffusion.Runtime.Precision.Fp16) _lossScale = new LossScale();
        if (group.IsDistributed)
        {
            // Rank 0's initial weights everywhere (they are equal already when every rank used the same seed), and the
            // EMA restarted from them.
            _reducer = new GradientReducer(model.Network, collectives ?? new HostBucketCollectives(group));
            _reducer.BroadcastParameters(root: 0);
            model.Ema.Reset();
        }
        if (group.Rank == 0 && options.Schedule.LogWriter == LogWriter.TensorBoard) _tensorBoard = new TensorBoardLog(Path.Combine(options.RunDir, "tensorboard"));
    }

    /// <summary>Starts composing a trainer.</summary>
    public static TrainerBuilder CreateBuilder() => new();

    /// <summary>The model being trained (network, EMA, bridge); owned by the trainer, valid until it is disposed.</summary>
    public BridgeModel Model { get; }

    /// <summary>The options of this run.</summary>
    public TrainingOptions Options => _options;

    /// <summary>The processes this trainer runs with (a single process unless the builder was given a group).</summary>
    public IProcessGroup ProcessGroup => _group;

    /// <summary>Optimiser iterations completed so far.</summary>
    public int Iteration { get; private set; }

    /// <summary>The current learning rate.</summary>
    public double LearningRate => _learningRate;

    /// <summary>Mean loss of every completed iteration.</summary>
    public IReadOnlyList<double> Losses => _losses;

    /// <summary>The checkpoint file name inside the run folder.</summary>
    public const string CheckpointFileName = "latest.ckpt";

    /// <summary>The checkpoint file of this run: <c>RunDir/latest.ckpt</c>.</summary>
    public string CheckpointPath => Path.Combine(_options.RunDir, CheckpointFileName);

    /// <summary>Raised after each validation (e.g. to write figures).</summary>
    public event Action<ValidationResult>? Validated;

    /// <summary>Raised after each iteration with its progress.</summary>
    public event Action<TrainingProgress>? IterationCompleted;

    /// <summary>
    /// Runs until <see cref="OptimizationOptions.NumIterations"/>, the time limit or cancellation; checkpoints every
    /// <see cref="ScheduleOptions.SaveEvery"/> iterations and at the end, validates every
    /// <see cref="ScheduleOptions.ValidateEvery"/> iterations and at the end. Cancellation is checked between
    /// iterations: the current one finishes, the checkpoint is written and the final validation is skipped.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss became non-finite; an existing checkpoint is left as it is.</exception>
    public TrainingResult Run(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        _firstIteration = Iteration;
        _waiting.Reset();
        _communication.Reset();
        var stop = TrainingStopReason.Completed;
        ValidationResult? lastValidation = null;
        string? checkpoint = null;
        var (optimization, schedule) = (_options.Optimization, _options.Schedule);
        _logger.LogInformation("Training {Name}: {Iterations} iterations, batch {Batch} = {Inner} x {Micro}, device {Device}, model {Model}, precision {Precision} ({Reason})",
            _options.Name, optimization.NumIterations, optimization.BatchSize, _microbatches, optimization.Microbatch, Model.Device, Model.Spec.NetworkName,
            Model.ComputePrecision.Precision.ToString().ToLowerInvariant(), Model.ComputePrecision.Reason);
        if (_group.IsDistributed)
            _logger.LogInformation("Data-parallel over {Size} processes ({Backend}): {PerRank} microbatches of {Micro} per process per iteration",
                _group.Size, _group.Backend, _microbatches / _group.Size, optimization.Microbatch);

        while (Iteration < optimization.NumIterations)
        {
            // Every rank stops at the same iteration: a request seen by any rank (a signal, its clock) counts for all.
            var request = cancellationToken.IsCancellationRequested ? TrainingStopReason.Cancelled
                : schedule.TimeLimit is { } limit && clock.Elapsed >= limit ? TrainingStopReason.TimeLimit
                : TrainingStopReason.Completed;
            request = AgreeOnStop(request);
            if (request != TrainingStopReason.Completed) { stop = request; break; }

            double lr = _learningRate;
            double loss = Step();
            var report = new TrainingProgress(Iteration, optimization.NumIterations, loss, lr, clock.Elapsed);
            IterationCompleted?.Invoke(report);
            if (Iteration % schedule.LogEvery == 0)
            {
                if (_group.IsDistributed)
                {
                    double done = Math.Max(1, Iteration - _firstIteration);
                    _logger.LogInformation("itr {Iteration}/{Total} loss {Loss:F5} lr {Lr:E2} all-reduce {Reduce:F1} ms/itr (waiting for the slowest rank {Wait:F1} ms/itr)",
                        Iteration, optimization.NumIterations, loss, lr, _communication.Elapsed.TotalMilliseconds / done, _waiting.Elapsed.TotalMilliseconds / done);
                }
                else
                    _logger.LogInformation("itr {Iteration}/{Total} loss {Loss:F5} lr {Lr:E2}", Iteration, optimization.NumIterations, loss, lr);
                _tensorBoard?.Scalar("train/loss", loss, Iteration);
                _tensorBoard?.Scalar("train/lr", lr, Iteration);
            }

            if (_val is not null && schedule.ValBatches > 0 && Iteration % schedule.ValidateEvery == 0)
                lastValidation = Validate();
            if (Iteration % schedule.SaveEvery == 0)
                checkpoint = SaveCheckpoint();
        }

        if (Iteration > 0 && (checkpoint is null || Iteration % schedule.SaveEvery != 0))
            checkpoint = SaveCheckpoint();
        if (_val is not null && schedule.ValBatches > 0 && lastValidation?.Iteration != Iteration && Iteration > 0
            && stop != TrainingStopReason.Cancelled)
            lastValidation = Validate();
        // No rank returns before rank 0's final checkpoint is on disk: a job script may read it as soon as mpirun exits.
        _group.Barrier();
        _logger.LogInformation("Training stopped ({Reason}) after {Iterations} iterations in {Elapsed}", stop, Iteration, clock.Elapsed);
        return new TrainingResult(Iteration, stop, _losses.ToArray(), checkpoint, lastValidation, clock.Elapsed);
    }

    /// <summary>
    /// One optimiser iteration (docs/training.md). Returns the mean loss over its microbatches. Gradients are the sum over
    /// microbatches (not divided by their number), as in the reference.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss is non-finite; the weights are left as they were.</exception>
    public double Step()
    {
        // One scope for the whole iteration: temporaries of AdamW, clipping and the EMA are freed here too.
        using var stepScope = NewDisposeScope();
        Model.Network.train();
        Model.LowPrecision?.PullWeights();
        _optimizer.zero_grad();
        double lossSum = 0;
        foreach (var (microbatch, indices, epoch) in NextMicrobatches())
        {
            using var scope = NewDisposeScope();
            // Each global microbatch draws from its own stream, so the draws do not depend on how many processes share the batch.
            // Dropout inside the network draws from torch's global generator: seeded per microbatch too (stream 1 of it).
            var draws = _options.Seed.Derive((ulong)Iteration, (ulong)microbatch);
            _generator.manual_seed(draws.ToInt64());
            manual_seed(draws.Derive(1).ToInt64());
            var (x0, cond) = LoadMicrobatch(indices, epoch);
            lossSum += Backward(Draw(x0, cond));
        }
        if (_group.IsDistributed)
        {
            _waiting.Start();
            Span<double> total = [lossSum];
            _group.AllReduceSum(total);
            lossSum = total[0];
            _waiting.Stop();
            _communication.Start();
            _reducer!.AllReduceGradients();
            _communication.Stop();
            if (_options.Optimization.GradientReduction == GradientReduction.Mean) ScaleGradients(1.0 / _group.Size);
        }
        double mean = lossSum / _microbatches;
        if (!double.IsFinite(mean))
        {
            _optimizer.zero_grad();
            throw new TrainingDivergedException(DivergenceMessage(mean));
        }
        // A float16 overflow skips the weight and EMA update (the same on every rank: the gradients were reduced first);
        // the iteration still counts, for the learning-rate schedule too, as with PyTorch's GradScaler.
        if (_lossScale is null || _lossScale.Update(GradientsFinite()))
        {
            if (_options.Optimization.ClipGradNorm is { } maxNorm)
                nn.utils.clip_grad_norm_(Model.Network.parameters(), maxNorm);
            _optimizer.step();
            Model.Ema.Update();
        }
        else
        {
            _optimizer.zero_grad();
            _logger.LogWarning("itr {Iteration}: float16 gradients overflowed; update skipped, loss scale now {Scale}", Iteration + 1, _lossScale.Scale);
        }
        Iteration++;
        _losses.Add(mean);
        if (_options.Optimization is { LrGamma: < 1 } o && Iteration % o.LrStep == 0) SetLearningRate(_learningRate * o.LrGamma);
        return mean;
    }

    // One device-to-host read for all parameters (a read per parameter would synchronise with the GPU ~200 times).
    private bool GradientsFinite()
    {
        using var scope = NewDisposeScope();
        var flags = Model.Network.parameters().Where(p => p.grad is not null).Select(p => p.grad!.isfinite().all()).ToArray();
        return flags.Length == 0 || stack(flags).all().item<bool>();
    }

    private void ScaleGradients(double factor)
    {
        using var _ = no_grad();
        foreach (var p in Model.Network.parameters()) p.grad?.mul_(factor);
    }

    /// <summary>The most urgent stop request of any rank (the request itself in a single process).</summary>
    private TrainingStopReason AgreeOnStop(TrainingStopReason mine)
    {
        if (!_group.IsDistributed) return mine;
        Span<double> votes = [mine == TrainingStopReason.Cancelled ? 1 : 0, mine == TrainingStopReason.TimeLimit ? 1 : 0];
        _group.AllReduceSum(votes);
        return votes[0] > 0 ? TrainingStopReason.Cancelled : votes[1] > 0 ? TrainingStopReason.TimeLimit : TrainingStopReason.Completed;
    }

    // A true diagnosis: a first loss that is already non-finite points at the data (or options far off), not at the
    // learning rate; and a checkpoint is named only if one exists.
    private string DivergenceMessage(double loss)
    {
        var what = $"Training loss became {loss} at iteration {Iteration + 1}; stopped without updating the weights.";
        var kept = File.Exists(CheckpointPath)
            ? $" The last checkpoint ({CheckpointPath}) is kept."
            : " No checkpoint was written yet.";
        var hint = _losses.Count == 0 && Iteration == 0
            ? " The very first loss is not finite: check the data (values far outside [-1, 1] after normalisation mean wrong " +
              "dataset or bounds in Model.Dataset) and Model.Bridge's BetaMax, T0 and T; the learning rate has not acted yet."
            : " Try a lower Optimization.LearningRate or set Optimization.ClipGradNorm.";
        return what + kept + hint;
    }

    /// <summary>What one microbatch contributes: the bridge state, its steps, the label and the (dropped-out) condition.</summary>
    internal readonly record struct Microbatch(Tensor Steps, Tensor Xn, Tensor Label, Tensor? Cond);

    /// <summary>Steps 2-6 of an iteration (docs/training.md): corrupt, drop out the condition, draw steps, q-sample and label.</summary>
    internal Microbatch Draw(Tensor x0, Tensor cond)
    {
        var bridge = Model.Bridge;
        var x1 = _corruption.Apply(x0, _generator);
        Tensor? condition = null;
        if (Model.IsConditional)
        {
            condition = _options.Optimization.ShotTraceDropout ? ConditionDropout.ApplyShotTrace(cond, generator: _generator) : cond;
            condition = ConditionDropout.Apply(condition, _options.Optimization.DropCond, _generator);
        }
        var steps = bridge.SampleSteps(x0.shape[0], _generator);
        var xn = bridge.QSample(steps, x0, x1, _generator);
        var label = bridge.TrainingLabel(steps, x0, xn);
        return new Microbatch(steps, xn, label, condition);
    }

    /// <summary>Step 7 of an iteration: the MSE loss of one microbatch, back-propagated; gradients add up across calls.</summary>
    internal double Backward(Microbatch mb)
    {
        using var scope = NewDisposeScope();
        // In a lower precision the working copy computes (float32 in and out) and its gradients are added to the master's.
        var copy = Model.LowPrecision;
        var output = (copy?.Working ?? Model.Network).Predict(mb.Xn, mb.Steps, mb.Cond);
        var loss = nn.functional.mse_loss(output, mb.Label);
        double scale = _lossScale?.Scale ?? 1.0;
        (scale == 1.0 ? loss : loss * scale).backward();
        copy?.PushGradients(scale);
        return loss.item<float>();
    }

    /// <summary>
    /// Samples <see cref="ScheduleOptions.ValBatches"/> validation batches at NFE = 1 with the EMA weights (the
    /// <see cref="Evaluator"/>) and measures MAE, MSE, RMSE and SSIM of the prediction and of the corrupted input x1.
    /// </summary>
    /// <exception cref="InvalidOperationException">The trainer has no validation split, or it is empty.</exception>
    public ValidationResult Validate()
    {
        if (_val is null) throw new InvalidOperationException("This trainer was built without a validation split.");
        var schedule = _options.Schedule;
        var evaluation = new EvaluationOptions
        {
            Sampler = new() { Nfe = 1, GuidanceScale = schedule.ValGuidance },
            BatchSize = schedule.ValBatchSize,
            MaxSamples = schedule.ValBatches * schedule.ValBatchSize,
            // Batch k draws from (seed, k) on whichever rank samples it: the metrics do not depend on the number of ranks.
            Seed = new Seed(_options.Seed.Value + 7919),
            SeedPerBatch = true,
            NativeSize = _val.Info.NGrid,
            Shard = (_group.Rank, _group.Size), // each rank samples its share of the batches; the metrics are combined below
        };
        VelocityExample? example = null;
        // A rank whose share is empty (fewer validation batches than ranks) still takes part in the all-reduce below.
        int batches = (Math.Min(_val.Count, evaluation.MaxSamples.Value) + evaluation.BatchSize - 1) / evaluation.BatchSize;
        var report = _group.Rank >= batches ? null : new Evaluator(Model, evaluation).Evaluate(_val, onBatch: b =>
        {
            int n = b.Size * b.Size;
            example ??= new VelocityExample(b.Size, b.Truth[..n], b.Input[..n], b.Prediction[..n]);
        });
        // Means weighted by each rank's sample count.
        Span<double> sums = report is null ? stackalloc double[7] :
        [
            report.Prediction.Mae * report.Samples, report.Prediction.Mse * report.Samples, report.Prediction.Ssim * report.Samples,
            report.Input.Mae * report.Samples, report.Input.Mse * report.Samples, report.Input.Ssim * report.Samples, report.Samples,
        ];
        if (_group.IsDistributed) _group.AllReduceSum(sums);
        int samples = (int)sums[6];
        if (samples == 0) throw new InvalidOperationException("The validation split is empty.");
        example ??= new VelocityExample(0, [], [], []); // a rank whose share of a tiny split is empty
        var v = new ValidationResult(Iteration, new MetricValues(sums[0] / samples, sums[1] / samples, sums[2] / samples),
                                     new MetricValues(sums[3] / samples, sums[4] / samples, sums[5] / samples), samples, example);
        _logger.LogInformation(
            "validation itr {Iteration}: prediction MAE {Mae:F4} SSIM {Ssim:F4} | input x1 MAE {InMae:F4} SSIM {InSsim:F4} ({Count} samples)",
            Iteration, v.Prediction.Mae, v.Prediction.Ssim, v.Input.Mae, v.Input.Ssim, v.Samples);
        if (_tensorBoard is { } tb)
        {
            tb.Metrics("val/prediction", v.Prediction, Iteration);
            tb.Metrics("val/input_x1", v.Input, Iteration);
            int size = v.Example.Size;
            tb.Image("val/truth", v.Example.Truth, size, size, Iteration, -1, 1);
            tb.Image("val/input_x1", v.Example.Input, size, size, Iteration, -1, 1);
            tb.Image("val/prediction", v.Example.Prediction, size, size, Iteration, -1, 1);
        }
        if (_group.Rank == 0) Validated?.Invoke(v);
        return v;
    }

    /// <summary>
    /// Writes the checkpoint atomically to <paramref name="path"/> (default <see cref="CheckpointPath"/>) and returns the
    /// path. In a data-parallel job only rank 0 writes (every rank holds the same state); the others return the path.
    /// </summary>
    public string SaveCheckpoint(string? path = null)
    {
        path ??= CheckpointPath;
        if (_group.Rank != 0) return path;
        var meta = new CheckpointMeta { Iteration = Iteration, LearningRate = _learningRate, Options = _options, Losses = [.. _losses] };
        // The model's sections first (spec, model, ema), then the trainer's own.
        Model.WriteTo(new CheckpointWriter())
            .AddJson(CheckpointMeta.Section, meta)
            .Add(CheckpointMeta.OptimizerSection, w => _optimizer.save_state_dict(w))
            .Save(path);
        _logger.LogInformation("Saved checkpoint {Path} at iteration {Iteration}", path, Iteration);
        return path;
    }

    /// <summary>
    /// Restores network, EMA, optimiser, learning rate, iteration, loss history and data position from a checkpoint,
    /// so that the run continues exactly as an uninterrupted one would (bitwise on CPU).
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint is unusable (corrupt, truncated); the message names the file and section.</exception>
    /// <exception cref="RunConflictException">The checkpoint was made with options this run contradicts (<see cref="TrainingOptions.ResumeConflicts"/>); every difference is listed.</exception>
    public void LoadCheckpoint(string path)
    {
        var checkpoint = Checkpoint.Read(path);
        var meta = CheckpointMeta.Read(checkpoint);
        if (_options.ResumeConflicts(meta.Options) is { Count: > 0 } conflicts)
            throw new RunConflictException($"{path} cannot be resumed with these options: {string.Join("; ", conflicts)}");
        Model.LoadWeights(checkpoint);
        checkpoint.ReadSection(CheckpointMeta.OptimizerSection, r => _optimizer.load_state_dict(r));
        Iteration = meta.Iteration;
        _losses.Clear();
        _losses.AddRange(meta.Losses);
        SetLearningRate(meta.LearningRate);
        if (meta.RngScheme != RngScheme)
            _logger.LogWarning("{Path} was written by a version that drew its random numbers differently ({Scheme}); from here on the run draws with this version's scheme", path, meta.RngScheme);
        // Replay the (global) data order up to where the checkpoint stopped: the same for any number of processes.
        _order = _trainLoader.IndexBatches().GetEnumerator();
        for (long k = 0; k < (long)Iteration * _microbatches; k++) _order.MoveNext();
        _logger.LogInformation("Resumed from {Path} at iteration {Iteration}", path, Iteration);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _order.Dispose();
        _reducer?.Dispose();
        _optimizer.Dispose();
        _generator.Dispose();
        Model.Dispose();
        if (_ownsDatasets)
        {
            _train.Dispose();
            _val?.Dispose();
        }
        _runLock?.Dispose();
    }

    /// <summary>
    /// This rank's microbatches of the next iteration: the iteration takes the next BatchSize/Microbatch microbatches of
    /// the global data order, and microbatch j goes to rank j mod size (all of them in a single process).
    /// </summary>
    private List<(int Microbatch, int[] Indices, long Epoch)> NextMicrobatches()
    {
        var mine = new List<(int, int[], long)>(_microbatches / _group.Size);
        for (int j = 0; j < _microbatches; j++)
        {
            _order.MoveNext();
            if (j % _group.Size == _group.Rank) mine.Add((j, _order.Current.Indices, _order.Current.Epoch));
        }
        return mine;
    }

    private (Tensor X0, Tensor Cond) LoadMicrobatch(int[] indices, long epoch)
    {
        using var batch = _trainLoader.Load(indices, epoch);
        return batch.ToTensors(Model.Device);
    }

    private void SetLearningRate(double lr)
    {
        _learningRate = lr;
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = lr;
    }
}

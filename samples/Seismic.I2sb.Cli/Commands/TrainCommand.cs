using System.CommandLine;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion;
using Seismic.Diffusion.Corruption;
using Seismic.I2sb.Cli.Terminal;
using Seismic.Models;
using Seismic.Training;
using Seismic.Training.Distributed;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>
/// The <c>train</c> verb: every flag of the reference README with its spelling and default (and the spellings its
/// scripts use, as aliases), mapped one to one onto <see cref="TrainingOptions"/> and its parts, plus save/validation
/// frequencies, guidance and a time limit.
/// </summary>
internal static class TrainCommand
{
    private static readonly TrainingOptions Defaults = new();
    private static readonly ModelSpec Spec = Defaults.Model;
    private static readonly OptimizationOptions Optimization = Defaults.Optimization;
    private static readonly ScheduleOptions Schedule = Defaults.Schedule;

    // Reference flags.
    internal static readonly Option<string> ResultDir = new("--result-dir") { Description = "Folder for results (checkpoints, figures, logs).", DefaultValueFactory = _ => Defaults.ResultDir };
    internal static readonly Option<string> DatasetDir = new("--dataset-dir") { Description = "OpenFWI-format dataset folder with train/ and val/.", Required = true };
    internal static readonly Option<string> DatasetName = new("--dataset-name") { Description = "OpenFWI dataset name, e.g. FlatVel_A.", DefaultValueFactory = _ => Spec.Dataset.Key };
    internal static readonly Option<string> Name = new("--name") { Description = "Run name; results go to RESULT_DIR/NAME.", DefaultValueFactory = _ => Defaults.Name };
    internal static readonly Option<int> Seed = new("--seed") { Description = "Seed of every random draw.", DefaultValueFactory = _ => (int)Defaults.Seed.Value };
    internal static readonly Option<int> MasterPort = new("--master-port") { Description = "Accepted for the reference's scripts; not needed under mpirun.", DefaultValueFactory = _ => 6020 };
    internal static readonly Option<string?> Ckpt = new("--ckpt") { Description = "Checkpoint to resume from." };
    internal static readonly Option<string?> Gpu = new("--gpu") { Description = "GPU index N (cuda:N); default: CUDA when available, else CPU. 'cpu' forces the CPU." };
    internal static readonly Option<string> Model = new("--model") { Description = "U-Net preset: unet_ch32, unet_ch64, i2sb_small, i2sb_small_cond, i2sb_large, i2sb_large_cond.", DefaultValueFactory = _ => Spec.NetworkName };
    internal static readonly Option<int> ImageSize = new("--image-size") { Description = "Image size S (multiple of 8).", DefaultValueFactory = _ => Spec.ImageSize };
    internal static readonly Option<string> Corrupt = new("--corrupt") { Description = "Corruption preset x0 -> x1.", DefaultValueFactory = _ => Spec.Corruption.Name };
    internal static readonly Option<int> ValBatches = new("--val-batches") { Description = "Validation batches sampled at NFE = 1.", DefaultValueFactory = _ => Schedule.ValBatches };
    internal static readonly Option<double> T0 = new("--t0") { Description = "Start of the network time input range.", DefaultValueFactory = _ => Spec.Bridge.T0 };
    internal static readonly Option<double> T = new("--T") { Description = "End of the network time input range.", DefaultValueFactory = _ => Spec.Bridge.T };
    internal static readonly Option<int> Interval = new("--interval") { Description = "Number of bridge steps N (even).", DefaultValueFactory = _ => Spec.Bridge.Interval };
    internal static readonly Option<double> BetaMax = new("--beta-max") { Description = "Maximum beta of the schedule.", DefaultValueFactory = _ => Spec.Bridge.BetaMax };
    internal static readonly Option<double> DropCond = new("--drop_cond") { Description = "Probability of dropping the condition per sample.", DefaultValueFactory = _ => Optimization.DropCond };
    internal static readonly Option<bool> PredX0 = new("--pred-x0", "--pred_x0") { Description = "The network predicts x0." };
    internal static readonly Option<bool> OtOde = new("--ot-ode") { Description = "Optimal-transport ODE bridge (no noise)." };
    internal static readonly Option<bool> ClipDenoise = new("--clip-denoise") { Description = "Clamp x0_hat to [-1, 1] while sampling." };
    internal static readonly Option<int> BatchSize = new("--batch-size") { Description = "Samples per optimiser iteration.", DefaultValueFactory = _ => Optimization.BatchSize };
    internal static readonly Option<int> Microbatch = new("--microbatch") { Description = "Samples per forward/backward pass (gradients summed).", DefaultValueFactory = _ => Optimization.Microbatch };
    internal static readonly Option<int> NumItr = new("--num-itr") { Description = "Optimiser iterations.", DefaultValueFactory = _ => Optimization.NumIterations };
    internal static readonly Option<double> Lr = new("--lr") { Description = "AdamW learning rate.", DefaultValueFactory = _ => Optimization.LearningRate };
    internal static readonly Option<double> LrGamma = new("--lr-gamma") { Description = "Learning-rate decay every --lr-step iterations (none when >= 1).", DefaultValueFactory = _ => Optimization.LrGamma };
    internal static readonly Option<double?> ClipGradNorm = new("--clip-grad-norm", "--clip_grad_norm") { Description = "Gradient-norm clipping threshold (off by default)." };
    internal static readonly Option<double> Ema = new("--ema") { Description = "EMA decay.", DefaultValueFactory = _ => Optimization.EmaDecay };
    internal static readonly Option<string?> LogWriter = new("--log-writer") { Description = "Log writer: tensorboard (event files in the run folder) or unset." };
    internal static readonly Option<string?> JsonDataConfig = new("--json-data-config") { Description = "OpenFWI dataset_config.json with bounds to use instead of the embedded table." };

    // Several processes: started by mpirun (docs/training.md, "Several processes and machines"). The reference's
    // launch flags describe the job mpirun starts; MPI itself tells each process its rank and its peers.
    internal static readonly Option<int> NumProcNode = new("--num-proc-node") { Description = "Nodes of the job (checked against the processes mpirun started).", DefaultValueFactory = _ => 1 };
    internal static readonly Option<int> NodeRank = new("--node-rank") { Description = "This node's rank (not needed under mpirun: MPI knows it; checked when given).", DefaultValueFactory = _ => 0 };
    internal static readonly Option<string> MasterAddress = new("--master-address") { Description = "Accepted for the reference's scripts; not needed under mpirun.", DefaultValueFactory = _ => "localhost" };
    internal static readonly Option<int> NGpuPerNode = new("--n-gpu-per-node") { Description = "Processes per node (checked against mpirun's); each takes GPU cuda:(local rank).", DefaultValueFactory = _ => 1 };
    internal static readonly Option<string> GradReduce = new("--grad-reduce") { Description = "How the gradients of several processes combine: sum (the whole batch's gradient, the same for any number of processes) or mean (divided by the number of processes, as the original's DDP runs).", DefaultValueFactory = _ => "sum" };
    internal static readonly Option<double> CollectiveTimeout = new("--collective-timeout") { Description = "Minutes a process may wait for the others in one collective before the whole job is aborted.", DefaultValueFactory = _ => ProcessGroupOptions.DefaultCollectiveTimeout.TotalMinutes };
    internal static readonly Option<double> Dropout = new("--dropout") { Description = "Dropout probability inside the U-Net's residual blocks.", DefaultValueFactory = _ => Spec.Network.Dropout };
    internal static readonly Option<int> ValBatchSize = new("--val-batch-size") { Description = "Samples per validation batch.", DefaultValueFactory = _ => Schedule.ValBatchSize };
    internal static readonly Option<string> Distributed = new("--distributed") { Description = "auto: MPI when started by mpirun/mpiexec/srun, else one process; single; mpi (fail unless MPI loads).", DefaultValueFactory = _ => "auto" };

    // What a user needs on top.
    internal static readonly Option<int> LrStep = new("--lr-step") { Description = "Iterations between learning-rate decays.", DefaultValueFactory = _ => Optimization.LrStep };
    internal static readonly Option<double> L2Norm = new("--l2-norm", "--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => Optimization.WeightDecay };
    internal static readonly Option<int> SaveEvery = new("--save-every") { Description = "Iterations between checkpoints.", DefaultValueFactory = _ => Schedule.SaveEvery };
    internal static readonly Option<int> ValEvery = new("--val-every") { Description = "Iterations between validations.", DefaultValueFactory = _ => Schedule.ValidateEvery };
    internal static readonly Option<int> LogEvery = new("--log-every") { Description = "Iterations between log lines.", DefaultValueFactory = _ => Schedule.LogEvery };
    internal static readonly Option<double> Guidance = new("--guidance") { Description = "Guidance weight used by validation sampling (0: one conditional call).", DefaultValueFactory = _ => Schedule.ValGuidance };
    internal static readonly Option<string?> CacheDir = new("--cache-dir") { Description = "Where LMDB caches live (default: inside each split folder)." };
    internal static readonly Option<double?> TimeLimit = new("--time-limit") { Description = "Stop after this many minutes (checkpoint kept)." };
    internal static readonly Option<bool> NoShotTraceDropout = new("--no-shot-trace-dropout") { Description = "Disable the shot/trace dropout augmentation of the condition." };
    internal static readonly Option<bool> Overwrite = new("--overwrite") { Description = "Start afresh even if RESULT_DIR/NAME already holds a run (its checkpoint is replaced). Without it, an existing run is only continued with --ckpt." };

    /// <summary>The settings of <see cref="TrainingOptions"/> (ArgumentException.ParamName paths) and the flags that set them.</summary>
    internal static readonly Dictionary<string, string> Flags = new()
    {
        ["Data.DatasetDir"] = DatasetDir.Name,
        ["Model.Network"] = Model.Name, ["Model.Network.Dropout"] = Dropout.Name, ["Model.ImageSize"] = ImageSize.Name,
        ["Model.Bridge.Interval"] = Interval.Name, ["Model.Bridge.BetaMax"] = BetaMax.Name, ["Model.Bridge.T0"] = T0.Name, ["Model.Bridge.T"] = T.Name,
        ["Optimization.BatchSize"] = BatchSize.Name, ["Optimization.Microbatch"] = Microbatch.Name, ["Optimization.NumIterations"] = NumItr.Name,
        ["Optimization.LearningRate"] = Lr.Name, ["Optimization.LrGamma"] = LrGamma.Name, ["Optimization.LrStep"] = LrStep.Name,
        ["Optimization.WeightDecay"] = L2Norm.Name, ["Optimization.ClipGradNorm"] = ClipGradNorm.Name, ["Optimization.EmaDecay"] = Ema.Name,
        ["Optimization.DropCond"] = DropCond.Name,
        ["Schedule.SaveEvery"] = SaveEvery.Name, ["Schedule.ValidateEvery"] = ValEvery.Name, ["Schedule.ValBatches"] = ValBatches.Name,
        ["Schedule.ValBatchSize"] = ValBatchSize.Name, ["Schedule.ValGuidance"] = Guidance.Name, ["Schedule.LogEvery"] = LogEvery.Name,
        ["Schedule.TimeLimit"] = TimeLimit.Name,
        ["ResultDir"] = ResultDir.Name, ["Name"] = Name.Name, ["InitFrom"] = TrainFromOriginal.InitFrom.Name,
        // Named by the trainer's run conflicts (an existing run, a resume that contradicts its checkpoint).
        ["ResumeFrom"] = Ckpt.Name, ["Overwrite"] = Overwrite.Name, ["Seed"] = Seed.Name, ["Model.Dataset"] = DatasetName.Name,
        ["Model.Corruption"] = Corrupt.Name, ["Model.Bridge.OtOde"] = OtOde.Name, ["Model.Bridge.Parameterization"] = PredX0.Name,
        ["CollectiveTimeout"] = CollectiveTimeout.Name, // ProcessGroupOptions
    };

    public static Command Create()
    {
        var command = new Command("train", "Train the conditional bridge on an OpenFWI-format dataset.");
        foreach (var o in AllOptions()) command.Options.Add(o);
        foreach (var o in TrainFromOriginal.All()) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse, () =>
        {
            var options = TrainFromOriginal.Apply(parse, Bind(parse));
            using var group = ProcessGroups.Create(new ProcessGroupOptions
            {
                Mode = Mode(parse), CollectiveTimeout = CliAction.Minutes(parse.GetValue(CollectiveTimeout), CollectiveTimeout.Name),
            });
            // A failure on one rank ends the whole job at once with one line naming the rank; alone, it is reported as usual.
            return group.RunOrAbort(() => Train(parse, options, group), e =>
            {
                if (CliAction.Debug(parse)) Console.Error.WriteLine(e); // the trace first: the rank's one line is the last before the abort
                return CliAction.Describe(e, Flags);
            });
        }, Flags));
        return command;
    }

    private static int Train(ParseResult parse, TrainingOptions options, IProcessGroup group)
    {
        CheckLaunch(parse, group);
        bool leader = group.Rank == 0;
        // Processes sharing a node share its cores: libtorch's threads are split between them unless OMP_NUM_THREADS says otherwise.
        if (group.LocalSize > 1 && Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null)
            TorchSharp.torch.set_num_threads(Math.Max(1, Environment.ProcessorCount / group.LocalSize));
        using var trainer = Trainer.CreateBuilder().Options(options).Logger(leader ? new ConsoleLogger() : null).ProcessGroup(group).Build();
        // From here on, Ctrl-C or SIGTERM end the run at the next iteration boundary with a checkpoint.
        using var stop = new GracefulStop("finishing the current iteration and writing the checkpoint");
        var figures = Path.Combine(options.RunDir, "figures");
        var info = options.Model.Dataset;
        trainer.Validated += v =>
        {
            Directory.CreateDirectory(figures);
            var e = v.Example;
            ResultFigures.Comparison(Path.Combine(figures, $"val_itr{v.Iteration:D7}.png"), e.Size, e.Truth, e.Input, e.Prediction, info);
        };
        // --log-writer tensorboard is handled by the trainer itself (RunDir/tensorboard). Only rank 0 reports.
        var result = !leader ? trainer.Run(stop.Token) : ProgressDisplay.Run("train", progress =>
        {
            trainer.IterationCompleted += p => progress.Report(new ProgressUpdate(p.Iteration, p.Total, $"loss {p.Loss:F4}"));
            return trainer.Run(stop.Token);
        });
        if (!leader) return result.StopReason == TrainingStopReason.Cancelled ? stop.ExitCode : 0;
        Console.WriteLine($"Trained {result.Iterations} iterations ({result.StopReason}) in {result.Elapsed:hh\\:mm\\:ss}; checkpoint: {result.CheckpointPath}");
        if (result.StopReason != TrainingStopReason.Cancelled) return 0;
        Console.WriteLine(result.CheckpointPath is { } ckpt
            ? $"Stopped by {stop.Signal} at iteration {result.Iterations}. Resume with: {ResumeCommand(parse, ckpt)}"
            : $"Stopped by {stop.Signal} before the first iteration; nothing to resume.");
        return stop.ExitCode;
    }

    /// <summary>The command line that was run, with <c>--ckpt</c> pointing at <paramref name="checkpoint"/>.</summary>
    internal static string ResumeCommand(ParseResult parse, string checkpoint)
    {
        var tokens = parse.Tokens.Select(t => t.Value).ToList();
        int at = tokens.IndexOf(Ckpt.Name);
        if (at >= 0) tokens.RemoveRange(at, Math.Min(2, tokens.Count - at));
        tokens.AddRange([Ckpt.Name, checkpoint]);
        return "seismic-i2sb " + string.Join(' ', tokens.Select(t => t.Length == 0 || t.Any(char.IsWhiteSpace) ? $"'{t}'" : t));
    }

    internal static IEnumerable<Option> AllOptions() =>
    [
        ResultDir, DatasetDir, DatasetName, Name, Seed, MasterPort, Ckpt, Gpu, Model, ImageSize, Corrupt, ValBatches, T0, T,
        Interval, BetaMax, DropCond, PredX0, OtOde, ClipDenoise, BatchSize, Microbatch, NumItr, Lr, LrGamma, ClipGradNorm, Ema,
        LogWriter, JsonDataConfig, NumProcNode, NodeRank, MasterAddress, NGpuPerNode, LrStep, L2Norm, SaveEvery, ValEvery,
        LogEvery, Guidance, CacheDir, TimeLimit, NoShotTraceDropout, Overwrite, Distributed, GradReduce, CollectiveTimeout, Dropout,
        ValBatchSize, PrecisionOption.Flag,
    ];

    private static DistributedMode Mode(ParseResult parse) => parse.GetValue(Distributed)!.ToLowerInvariant() switch
    {
        "auto" => DistributedMode.Auto,
        "single" => DistributedMode.Single,
        "mpi" => DistributedMode.Mpi,
        var other => throw new ArgumentException($"--distributed must be auto, single or mpi, got '{other}'"),
    };

    /// <summary>The reference's launch flags against the job MPI started: they may describe it, never contradict it.</summary>
    internal static void CheckLaunch(ParseResult parse, IProcessGroup group)
    {
        int nodes = parse.GetValue(NumProcNode), perNode = parse.GetValue(NGpuPerNode), nodeRank = parse.GetValue(NodeRank);
        if (nodes < 1 || perNode < 1 || nodeRank < 0 || nodeRank >= nodes)
            throw new ArgumentException($"--num-proc-node {nodes}, --n-gpu-per-node {perNode} and --node-rank {nodeRank} do not describe a job (each >= 1, node rank below the node count)");
        int asked = nodes * perNode;
        if (asked > 1 && !group.IsDistributed)
            throw new ArgumentException($"--num-proc-node {nodes} x --n-gpu-per-node {perNode} asks for {asked} processes, but this one was started alone: " +
                                        $"start them with MPI, e.g. mpirun -np {asked} dotnet seismic-i2sb.dll train ... (several machines: mpirun --host node1:{perNode},node2:{perNode} ...); " +
                                        "MPI tells every process its rank, so --node-rank, --master-address and --master-port are not needed");
        if (asked > 1 && asked != group.Size)
            throw new ArgumentException($"--num-proc-node {nodes} x --n-gpu-per-node {perNode} = {asked} processes, but mpirun started {group.Size}; drop those flags or make them agree");
    }

    /// <summary>Maps the parsed flags onto <see cref="TrainingOptions"/> (the trainer builder validates them).</summary>
    internal static TrainingOptions Bind(ParseResult parse)
    {
        var config = parse.GetValue(JsonDataConfig) is { } json ? OpenFwiConfig.Load(json) : OpenFwiConfig.Default;
        return new TrainingOptions
        {
            Data = new DataOptions { DatasetDir = parse.GetValue(DatasetDir)!, CacheDir = parse.GetValue(CacheDir) },
            Model = new ModelSpec
            {
                Network = ModelPreset.Parse(parse.GetValue(Model)!).Network with { Dropout = parse.GetValue(Dropout) },
                Bridge = new BridgeOptions
                {
                    Interval = parse.GetValue(Interval),
                    BetaMax = parse.GetValue(BetaMax),
                    T0 = parse.GetValue(T0),
                    T = parse.GetValue(T),
                    OtOde = parse.GetValue(OtOde),
                    Parameterization = parse.GetValue(PredX0) ? BridgeParameterization.PredX0 : BridgeParameterization.NoiseLike,
                },
                Corruption = CorruptionPreset.Parse(parse.GetValue(Corrupt)!),
                Dataset = config[parse.GetValue(DatasetName)!],
                ImageSize = parse.GetValue(ImageSize),
                ClipDenoise = parse.GetValue(ClipDenoise),
            },
            Optimization = new OptimizationOptions
            {
                BatchSize = parse.GetValue(BatchSize),
                Microbatch = parse.GetValue(Microbatch),
                NumIterations = parse.GetValue(NumItr),
                LearningRate = parse.GetValue(Lr),
                LrGamma = parse.GetValue(LrGamma),
                LrStep = parse.GetValue(LrStep),
                WeightDecay = parse.GetValue(L2Norm),
                ClipGradNorm = parse.GetValue(ClipGradNorm),
                EmaDecay = parse.GetValue(Ema),
                DropCond = parse.GetValue(DropCond),
                ShotTraceDropout = !parse.GetValue(NoShotTraceDropout),
                GradientReduction = parse.GetValue(GradReduce)!.ToLowerInvariant() switch
                {
                    "sum" => GradientReduction.Sum,
                    "mean" => GradientReduction.Mean,
                    var other => throw new ArgumentException($"--grad-reduce must be sum or mean, got '{other}'"),
                },
            },
            Schedule = new ScheduleOptions
            {
                SaveEvery = parse.GetValue(SaveEvery),
                ValidateEvery = parse.GetValue(ValEvery),
                ValBatches = parse.GetValue(ValBatches),
                ValBatchSize = parse.GetValue(ValBatchSize),
                ValGuidance = parse.GetValue(Guidance),
                LogEvery = parse.GetValue(LogEvery),
                LogWriter = parse.GetValue(LogWriter) switch
                {
                    null or "none" => Training.LogWriter.None,
                    "tensorboard" => Training.LogWriter.TensorBoard,
                    var other => throw new ArgumentException($"--log-writer must be 'tensorboard' or unset, got '{other}'"),
                },
                TimeLimit = parse.GetValue(TimeLimit) is { } minutes ? CliAction.Minutes(minutes, TimeLimit.Name) : null,
            },
            ResultDir = parse.GetValue(ResultDir)!,
            Name = parse.GetValue(Name)!,
            Seed = parse.GetValue(Seed),
            ResumeFrom = parse.GetValue(Ckpt),
            Device = parse.GetValue(Gpu),
            Precision = PrecisionOption.Of(parse),
            Overwrite = parse.GetValue(Overwrite),
        };
    }
}

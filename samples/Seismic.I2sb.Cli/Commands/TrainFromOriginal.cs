using System.CommandLine;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion;
using Seismic.Models;
using Seismic.Training;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>
/// <c>train</c> over runs of the Python original: <c>--result-dir R --name N --ckpt latest.pt</c> on a run folder that
/// holds <c>checkpoints/options.pkl</c> continues that run (its options, unless a flag is given, and its weights, EMA,
/// AdamW and scheduler state); <c>--init-from CKPT</c> starts a new run from any checkpoint's weights.
/// </summary>
internal static class TrainFromOriginal
{
    public static readonly Option<string?> InitFrom = new("--init-from") { Description = "Start from the weights (network and EMA) of this checkpoint, with a fresh optimiser: a .ckpt of 'train', the Python original's .pt, or a bare state dict." };

    public static IEnumerable<Option> All() => [InitFrom];

    /// <summary>
    /// The options of the run: <paramref name="options"/> (from the flags) with --init-from, and when --ckpt names a
    /// checkpoint of an original run in RESULT_DIR/NAME, every setting its options.pkl holds and no flag gives.
    /// </summary>
    public static TrainingOptions Apply(ParseResult parse, TrainingOptions options)
    {
        options = options with { InitFrom = parse.GetValue(InitFrom) };
        var checkpoints = Path.Combine(options.RunDir, "checkpoints");
        var pkl = Path.Combine(checkpoints, OriginalRunOptions.FileName);
        if (options.ResumeFrom is not { } ckpt || !File.Exists(pkl)) return options;
        var resume = Path.IsPathRooted(ckpt) || File.Exists(ckpt) && ckpt.Contains(Path.DirectorySeparatorChar) ? ckpt : Path.Combine(checkpoints, ckpt);
        var original = OriginalRunOptions.Read(pkl);
        RunFolder.ReportUnsupported(original);
        var config = parse.GetValue(TrainCommand.JsonDataConfig) is { } json ? OpenFwiConfig.Load(json) : OpenFwiConfig.Default;
        var run = original.ToModelSpec(config);
        bool Given(Option o) => parse.GetResult(o) is { Implicit: false };
        T Pick<T>(Option flag, T fromFlag, T fromRun) => Given(flag) ? fromFlag : fromRun;
        var (mine, bridge) = (options.Model, options.Model.Bridge);
        var model = run with
        {
            Network = Pick(TrainCommand.Model, mine.Network, run.Network),
            Corruption = Pick(TrainCommand.Corrupt, mine.Corruption, run.Corruption),
            Dataset = Pick(TrainCommand.DatasetName, mine.Dataset, run.Dataset),
            ImageSize = Pick(TrainCommand.ImageSize, mine.ImageSize, run.ImageSize),
            ClipDenoise = Pick(TrainCommand.ClipDenoise, mine.ClipDenoise, run.ClipDenoise),
            Bridge = run.Bridge with
            {
                Interval = Pick(TrainCommand.Interval, bridge.Interval, run.Bridge.Interval),
                BetaMax = Pick(TrainCommand.BetaMax, bridge.BetaMax, run.Bridge.BetaMax),
                T0 = Pick(TrainCommand.T0, bridge.T0, run.Bridge.T0),
                T = Pick(TrainCommand.T, bridge.T, run.Bridge.T),
                OtOde = Pick(TrainCommand.OtOde, bridge.OtOde, run.Bridge.OtOde),
                Parameterization = Pick(TrainCommand.PredX0, bridge.Parameterization, run.Bridge.Parameterization),
            },
        };
        var o = options.Optimization;
        var optimization = o with
        {
            BatchSize = Pick(TrainCommand.BatchSize, o.BatchSize, original.GetInt("batch_size") ?? o.BatchSize),
            Microbatch = Pick(TrainCommand.Microbatch, o.Microbatch, original.GetInt("microbatch") ?? o.Microbatch),
            NumIterations = Pick(TrainCommand.NumItr, o.NumIterations, original.GetInt("num_itr") ?? o.NumIterations),
            LearningRate = Pick(TrainCommand.Lr, o.LearningRate, original.GetDouble("lr") ?? o.LearningRate),
            LrGamma = Pick(TrainCommand.LrGamma, o.LrGamma, original.GetDouble("lr_gamma") ?? o.LrGamma),
            LrStep = Pick(TrainCommand.LrStep, o.LrStep, original.GetInt("lr_step") ?? o.LrStep),
            WeightDecay = Pick(TrainCommand.L2Norm, o.WeightDecay, original.GetDouble("weight_decay") ?? o.WeightDecay),
            ClipGradNorm = Pick(TrainCommand.ClipGradNorm, o.ClipGradNorm, original.Contains("clip_grad_norm") ? original.GetDouble("clip_grad_norm") : o.ClipGradNorm),
            EmaDecay = Pick(TrainCommand.Ema, o.EmaDecay, original.GetDouble("ema") ?? o.EmaDecay),
            DropCond = Pick(TrainCommand.DropCond, o.DropCond, original.GetDouble("drop_cond") ?? o.DropCond),
        };
        var schedule = options.Schedule with { ValBatches = Pick(TrainCommand.ValBatches, options.Schedule.ValBatches, original.GetInt("val_batches") ?? options.Schedule.ValBatches) };
        var seed = Pick(TrainCommand.Seed, options.Seed, original.GetInt("seed") is { } s ? new Seismic.Data.Seed((ulong)s) : options.Seed);
        Console.WriteLine($"Continuing the original's run {options.RunDir} from {resume} with its options ({pkl}); flags given on the command line override them.");
        return options with { Model = model, Optimization = optimization, Schedule = schedule, Seed = seed, ResumeFrom = resume };
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion.Corruption;
using Seismic.I2sb.Cli.Terminal;
using Seismic.Models;
using Seismic.Physics.Inversion;
using Seismic.Physics.Misfit;
using Seismic.Physics.Synthesis;
using Seismic.Plotting;
using Seismic.Training;
using Seismic.Models.Evaluation;
using Spectre.Console;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>
/// The README's main job: synthesise a small FlatVel_A set, cache it, train a small conditional bridge on the CPU
/// for a bounded time, sample the validation split and compare the prediction with the smoothed input x1.
/// </summary>
internal static class QuickstartCommand
{
    private static readonly Option<string> Out = new("--out") { Description = "Output folder (data, run, figures, report).", DefaultValueFactory = _ => "quickstart-output" };
    private static readonly Option<int> Train = new("--train") { Description = "Training samples to synthesise.", DefaultValueFactory = _ => 480 };
    private static readonly Option<int> Val = new("--val") { Description = "Validation samples to synthesise.", DefaultValueFactory = _ => 48 };
    private static readonly Option<int> ImageSize = new("--image-size") { Description = "Image size S.", DefaultValueFactory = _ => 32 };
    private static readonly Option<int> Iterations = new("--iterations") { Description = "Training iterations (about 3 minutes on 2 idle cores).", DefaultValueFactory = _ => 800 };
    private static readonly Option<double> Minutes = new("--minutes") { Description = "Upper bound on training time in minutes (stops earlier than --iterations on a slow or busy machine).", DefaultValueFactory = _ => 5.0 };
    private static readonly Option<string> Model = new("--model") { Description = "U-Net preset.", DefaultValueFactory = _ => "i2sb_small_cond" };
    private static readonly Option<string> Corrupt = new("--corrupt") { Description = "Corruption preset x0 -> x1.", DefaultValueFactory = _ => "blur-openfwi_benchmark_A" };
    private static readonly Option<double> Lr = new("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => 1e-3 };
    private static readonly Option<int> BatchSize = new("--batch-size") { Description = "Batch size.", DefaultValueFactory = _ => 16 };
    private static readonly Option<int> Nfe = new("--nfe") { Description = "Network evaluations when sampling.", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed.", DefaultValueFactory = _ => 0 };
    private static readonly Option<string?> Gpu = new("--gpu") { Description = "Device (default: CUDA when available, else CPU)." };
    private static readonly Option<int> Refine = new("--refine") { Description = "Full-waveform-inversion iterations refining the first --refine-samples predictions against their recorded data (0: skip).", DefaultValueFactory = _ => 10 };
    private static readonly Option<int> RefineSamples = new("--refine-samples") { Description = "Validation samples to refine (about 10 s each on 2 cores with --refine 10).", DefaultValueFactory = _ => 4 };

    /// <summary>The settings the quickstart sets (TrainingOptions and SynthesisOptions paths) and its flags that set them.</summary>
    internal static readonly Dictionary<string, string> Flags = new()
    {
        ["Optimization.NumIterations"] = Iterations.Name, ["Schedule.TimeLimit"] = Minutes.Name, ["Optimization.LearningRate"] = Lr.Name,
        ["Optimization.BatchSize"] = BatchSize.Name, ["Optimization.Microbatch"] = BatchSize.Name, ["Model.ImageSize"] = ImageSize.Name,
        ["Model.Network"] = Model.Name, ["TrainSamples"] = Train.Name, ["ValidationSamples"] = Val.Name, ["OutputDirectory"] = Out.Name,
        ["Sampler.Nfe"] = Nfe.Name,
    };

    public static Command Create()
    {
        var command = new Command("quickstart", "Synthesise data, train a small model for a few minutes, sample and compare with the smoothed input.");
        foreach (var o in new Option[] { Out, Train, Val, ImageSize, Iterations, Minutes, Model, Corrupt, Lr, BatchSize, Nfe, Seed, Gpu, Refine, RefineSamples, PrecisionOption.Flag }) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse, () => Run(parse), Flags));
        return command;
    }

    private static int Run(ParseResult parse)
    {
        var clock = Stopwatch.StartNew();
        var outDir = Path.GetFullPath(parse.GetValue(Out)!);
        var dataDir = Path.Combine(outDir, "data", "flatvel-a");
        var figures = Path.Combine(outDir, "figures");
        int size = parse.GetValue(ImageSize);
        var timeLimit = CliAction.Minutes(parse.GetValue(Minutes), Minutes.Name);
        // The training options first: every flag is checked before any data is synthesised.
        var options = new TrainingOptions
        {
            Data = new DataOptions { DatasetDir = dataDir },
            Model = new ModelSpec
            {
                Network = ModelPreset.Parse(parse.GetValue(Model)!).Network,
                Corruption = CorruptionPreset.Parse(parse.GetValue(Corrupt)!),
                Dataset = OpenFwiConfig.Default["FlatVel_A"],
                ImageSize = size,
            },
            Optimization = new OptimizationOptions
            {
                LearningRate = parse.GetValue(Lr),
                BatchSize = parse.GetValue(BatchSize),
                Microbatch = parse.GetValue(BatchSize),
                NumIterations = parse.GetValue(Iterations),
                LrGamma = 1.0,
            },
            Schedule = new ScheduleOptions
            {
                SaveEvery = 1_000_000,
                ValidateEvery = 1_000_000,
                ValBatches = 0,
                LogEvery = 100,
                TimeLimit = timeLimit,
            },
            ResultDir = Path.Combine(outDir, "runs"),
            Name = "quickstart",
            Seed = parse.GetValue(Seed),
            Device = parse.GetValue(Gpu),
            Precision = PrecisionOption.Of(parse),
            Overwrite = true, // the quickstart's own run: rerunning the quickstart replaces it
        };
        options.Validate();
        int refineIterations = parse.GetValue(Refine), refineSamples = parse.GetValue(RefineSamples);
        if (refineIterations < 0) throw new ArgumentException($"--refine must be >= 0, got {refineIterations}");
        if (refineSamples < 1) throw new ArgumentException($"--refine-samples must be positive, got {refineSamples}");
        Console.WriteLine($"Seismic.I2sb quickstart -> {outDir}");

        // 1. Data: OpenFWI-exact forward modelling of FlatVel_A-like models (resumes if already there).
        var synthesis = new SynthesisOptions
        {
            Family = VelocityFamily.FlatVelA,
            OutputDirectory = dataDir,
            TrainSamples = parse.GetValue(Train),
            ValidationSamples = parse.GetValue(Val),
            SamplesPerFile = 120,
            Seed = (ulong)parse.GetValue(Seed),
        };
        var synthesized = ProgressDisplay.Run("1/4 synthesise FlatVel_A", progress =>
            new DatasetSynthesizer(synthesis).Run(new Progress<SynthesisProgress>(p =>
                progress.Report(new ProgressUpdate(p.SamplesDone, p.SamplesTotal)))));
        Console.WriteLine($"  {synthesized.SamplesWritten} samples forward-modelled ({synthesized.FilesSkipped} files already there) in {synthesized.Elapsed.TotalSeconds:F0} s");

        // 2. Cache: normalise + resize once into LMDB.
        using var train = OpenSplit(dataDir, DatasetSplit.Train, size);
        using var val = OpenSplit(dataDir, DatasetSplit.Val, size);
        Console.WriteLine($"  cached {train.Count} train / {val.Count} val samples at {size} x {size}");

        // 3. Train a small conditional bridge for a bounded time.
        using var trainer = Trainer.CreateBuilder().Options(options).Datasets(train, val: null).Build(); // no validation: the evaluation comes next
        var trained = ProgressDisplay.Run($"3/4 train {options.Model.NetworkName}", progress =>
        {
            trainer.IterationCompleted += p => progress.Report(new ProgressUpdate(p.Iteration, p.Total, $"loss {p.Loss:F4}"));
            return trainer.Run();
        });
        if (trained.Iterations == 0)
            throw new InvalidOperationException($"no training iteration finished within --minutes {parse.GetValue(Minutes)}; give it more time");
        if (trained.StopReason == TrainingStopReason.TimeLimit)
            Console.WriteLine($"  note: stopped at the {timeLimit.TotalMinutes:F0}-minute limit (the machine is slower or busier than expected)");
        Console.WriteLine($"  {trained.Iterations} iterations in {trained.Elapsed.TotalSeconds:F0} s; loss {Mean(trained.Losses.Take(20)):F4} (first 20) -> {Mean(trained.Losses.TakeLast(20)):F4} (last 20)");

        // 4. Sample the validation split with the EMA weights and compare with x1.
        var evaluation = new EvaluationOptions { Sampler = new() { Nfe = parse.GetValue(Nfe), LogCount = 5 }, BatchSize = 16, Seed = options.Seed };
        PredictionBatch? first = null;
        var report = ProgressDisplay.Run("4/4 sample validation", progress =>
            new Evaluator(trainer.Model, evaluation).Evaluate(val, misfit: null,
                new Progress<(int Done, int Total)>(p => progress.Report(new ProgressUpdate(p.Done, p.Total))),
                b => first ??= b));
        report = report with { Checkpoint = trained.CheckpointPath };
        Directory.CreateDirectory(outDir);
        report.Save(Path.Combine(outDir, "report.json"));
        WriteLosses(Path.Combine(outDir, "losses.csv"), trained.Losses);
        WriteFigures(figures, first!, val);

        // 5. The step beyond the original: full-waveform inversion from the first predictions, against their recorded data.
        EvaluationReport? refined = null;
        if (refineIterations > 0)
        {
            var refineOptions = evaluation with { MaxSamples = refineSamples, Sampler = evaluation.Sampler with { LogCount = 0 } };
            var refiner = new DatasetRefiner(val, new RefinementOptions { Iterations = refineIterations });
            refined = ProgressDisplay.Run($"refine {Math.Min(refineSamples, val.Count)} predictions ({refineIterations} FWI iterations)", progress =>
                new Evaluator(trainer.Model, refineOptions).Evaluate(val, new DatasetMisfit(val),
                    new Progress<(int Done, int Total)>(p => progress.Report(new ProgressUpdate(p.Done, p.Total))),
                    b => { int remaining = 3; SamplingOptions.WriteFigures(Path.Combine(figures, "refined"), b, ref remaining, val.Info); },
                    refiner)) with { Checkpoint = trained.CheckpointPath };
            refined.Save(Path.Combine(outDir, "report_refined.json"));
        }

        PrintTable(report, refined);
        bool beats = report.Prediction.Mae < report.Input.Mae && report.Prediction.Ssim > report.Input.Ssim;
        Console.WriteLine(beats
            ? "The prediction beats the smoothed input x1 on both MAE and SSIM."
            : "warning: the prediction did not beat x1 on both MAE and SSIM; train longer (--minutes) or on more data (--train).");
        Console.WriteLine($"Report: {Path.Combine(outDir, "report.json")}; figures: {figures}; total time {clock.Elapsed:mm\\:ss}");
        return 0;
    }

    private static SeismicDataset OpenSplit(string dir, DatasetSplit split, int size) =>
        ProgressDisplay.Run($"2/4 cache {split.FolderName()}", progress =>
            SeismicDataset.Builder().FromDirectory(dir).Dataset("FlatVel_A").Split(split).ImageSize(size)
                .Progress(new Progress<Seismic.Data.Cache.CacheBuildProgress>(p => progress.Report(new ProgressUpdate(p.Done, p.Total))))
                .Build());

    private static void PrintTable(EvaluationReport r, EvaluationReport? refined)
    {
        var table = new Table().Title($"FlatVel_A validation, {r.Samples} samples, NFE {r.Nfe}");
        table.AddColumns("", $"MAE {r.ImageSize}px", "m/s", "SSIM", "MAE 70px", "m/s", "SSIM 70px", "data misfit");
        var rows = new List<(string, MetricSummary, MetricSummary)> { ("input x1", r.Input, r.InputNative), ("prediction", r.Prediction, r.PredictionNative) };
        if (refined is { Refined: { } f, RefinedNative: { } fn })
        {
            rows.Add(($"first {refined.Samples}: prediction", refined.Prediction, refined.PredictionNative));
            rows.Add(($"first {refined.Samples}: refined", f, fn));
        }
        foreach (var (name, s, n) in rows)
            table.AddRow(name, F(s.Mae), s.MaeMetersPerSecond.ToString("F1", CultureInfo.InvariantCulture), F(s.Ssim),
                         F(n.Mae), n.MaeMetersPerSecond.ToString("F1", CultureInfo.InvariantCulture), F(n.Ssim),
                         n.DataMisfit is { } m ? F(m) : "");
        AnsiConsole.Write(table);

        static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
    }

    private static void WriteFigures(string dir, PredictionBatch batch, SeismicDataset val)
    {
        int remaining = 3;
        SamplingOptions.WriteFigures(dir, batch, ref remaining, val.Info);
        // The recorded data of the first validation sample, middle shot, as OpenFWI stores it.
        var info = val.Info;
        var velocity = new float[info.NGrid * info.NGrid];
        var seismic = new float[info.Ns * info.Nt * info.Ng];
        val.ReadRawSample(0, velocity, seismic);
        SeismicFigures.ShotGather(Map2D.Slice(seismic, info.SeismicShape, 2), "val 0, shot 3 (x = 340 m)")
            .SavePng(Path.Combine(dir, "shot_gather.png"));
    }

    private static void WriteLosses(string path, IReadOnlyList<double> losses)
    {
        var lines = losses.Select((l, i) => $"{i + 1},{l.ToString("R", CultureInfo.InvariantCulture)}").Prepend("iteration,loss");
        Seismic.Data.IO.AtomicFile.WriteAllText(path, string.Join('\n', lines) + "\n");
    }

    private static double Mean(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Average();
}

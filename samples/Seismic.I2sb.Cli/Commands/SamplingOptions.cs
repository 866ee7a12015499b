using System.CommandLine;
using Seismic.Models;
using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion.Sampling;
using Seismic.I2sb.Cli.Terminal;
using Seismic.Training;
using Seismic.Models.Evaluation;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>Flags shared by <c>sample</c> and <c>evaluate</c>: which checkpoint, which data, how to sample.</summary>
internal static class SamplingOptions
{
    public static readonly Option<string> Ckpt = new("--ckpt") { Description = "Checkpoint written by 'train'.", Required = true };
    public static readonly Option<string?> DatasetDir = new("--dataset-dir") { Description = "Dataset folder (default: the one the model was trained on)." };
    public static readonly Option<string?> DatasetName = new("--dataset-name") { Description = "Dataset name (default: the training dataset's)." };
    public static readonly Option<string> Split = new("--split") { Description = "train or val.", DefaultValueFactory = _ => "val" };
    public static readonly Option<int> Nfe = new("--nfe") { Description = "Network evaluations per sample (1 .. interval-1).", DefaultValueFactory = _ => 1 };
    public static readonly Option<double> Guidance = new("--guidance") { Description = "Guidance weight w (0: one conditional call).", DefaultValueFactory = _ => 0 };
    public static readonly Option<string> GuidanceFormula = new("--guidance-formula") { Description = "classic: (1+w) cond - w uncond; mixture: w cond + (1-w) uncond.", DefaultValueFactory = _ => "classic" };
    public static readonly Option<bool> Deterministic = new("--deterministic") { Description = "Sample without noise (for SDE-trained models)." };
    public static readonly Option<int?> MaxSamples = new("--max-samples") { Description = "Evaluate at most this many samples." };
    public static readonly Option<int> BatchSize = new("--batch-size") { Description = "Samples per batch.", DefaultValueFactory = _ => 16 };
    public static readonly Option<int> Seed = new("--seed") { Description = "Seed of corruption draws and sampler noise.", DefaultValueFactory = _ => 0 };
    public static readonly Option<string?> Gpu = new("--gpu") { Description = "Device: cpu, cuda, cuda:N or N (default: CUDA when available)." };
    public static readonly Option<string> OutDir = new("--out-dir") { Description = "Output folder.", Required = true };
    public static readonly Option<bool> Misfit = new("--misfit") { Description = "Also forward-model predictions and x1 and report the relative L2 data misfit (slow: ~0.15 s per model)." };
    public static readonly Option<int> Figures = new("--figures") { Description = "Samples to draw as figures.", DefaultValueFactory = _ => 4 };
    public static readonly Option<int> Refine = new("--refine") { Description = "Refine every prediction with N iterations of full-waveform inversion against its recorded data (70 x 70; 0: off; about 1 s per iteration on 2 cores). Implies --misfit.", DefaultValueFactory = _ => 0 };
    public static readonly Option<string> RefineFrom = new("--refine-from") { Description = "What the refinement starts from: prediction, or x1 (classical FWI from the smoothed input, the baseline).", DefaultValueFactory = _ => "prediction" };
    public static readonly Option<double> RefinePrior = new("--refine-prior") { Description = "Weight of the prior that keeps the refined model near its start (per cell by the ensemble's std with --ensemble; 0: the data decide alone).", DefaultValueFactory = _ => 0 };

    public static IEnumerable<Option> All() =>
        [Ckpt, DatasetDir, DatasetName, Split, Nfe, Guidance, GuidanceFormula, Deterministic, MaxSamples, BatchSize, Seed, Gpu, OutDir, Figures, Misfit, Refine, RefineFrom, RefinePrior];

    public static EvaluationOptions Evaluation(ParseResult parse) => new()
    {
        Sampler = new SamplerOptions
        {
            Nfe = parse.GetValue(Nfe),
            GuidanceScale = parse.GetValue(Guidance),
            Formula = parse.GetValue(GuidanceFormula)!.ToLowerInvariant() switch
            {
                "classic" => Seismic.Diffusion.Sampling.GuidanceFormula.Classic,
                "mixture" => Seismic.Diffusion.Sampling.GuidanceFormula.Mixture,
                var other => throw new ArgumentException($"--guidance-formula must be classic or mixture, got '{other}'"),
            },
            Deterministic = parse.GetValue(Deterministic),
            LogCount = 5,
        },
        MaxSamples = parse.GetValue(MaxSamples),
        BatchSize = parse.GetValue(BatchSize),
        Seed = parse.GetValue(Seed),
        RefineFrom = parse.GetValue(RefineFrom)!.ToLowerInvariant() switch
        {
            "prediction" => RefinementStart.Prediction,
            "x1" => RefinementStart.Input,
            var other => throw new ArgumentException($"--refine-from must be prediction or x1, got '{other}'"),
        },
    };

    /// <summary>The full-waveform refinement the flags ask for (--refine N), or null.</summary>
    public static IModelRefiner? Refiner(ParseResult parse, SeismicDataset dataset)
    {
        int iterations = parse.GetValue(Refine);
        if (iterations < 0) throw new ArgumentException($"--refine must be >= 0 iterations, got {iterations}");
        if (iterations == 0) return null;
        // With --ensemble the prior's sigma is the ensemble's std per cell; otherwise RefinementOptions.PriorStd everywhere.
        var options = new Seismic.Physics.Inversion.RefinementOptions { Iterations = iterations, PriorWeight = parse.GetValue(RefinePrior) };
        options.Validate();
        return new Seismic.Physics.Inversion.DatasetRefiner(dataset, options);
    }

    /// <summary>Loads the checkpoint the flags name on the device they ask for.</summary>
    public static BridgeModel LoadModel(ParseResult parse) =>
        BridgeModel.Load(parse.GetValue(Ckpt)!, Seismic.Diffusion.Runtime.TorchRuntime.ResolveDevice(parse.GetValue(Gpu)));

    /// <summary>The dataset whose normalisation applies: the one the flags name, else the model's.</summary>
    public static OpenFwiDataset DatasetInfo(ParseResult parse, BridgeModel model) =>
        parse.GetValue(DatasetName) is { } name ? OpenFwiDataset.Parse(name) : model.Spec.Dataset;

    /// <summary>Opens the split the model was trained on (or the one the flags name), cached at the model's image size.</summary>
    public static SeismicDataset OpenDataset(ParseResult parse, BridgeModel model)
    {
        var split = DatasetSplits.Parse(parse.GetValue(Split)!);
        var directory = parse.GetValue(DatasetDir) ?? TrainingCheckpoint.Read(parse.GetValue(Ckpt)!).Options.Data.DatasetDir;
        if (string.IsNullOrEmpty(directory))
            throw new ArgumentException("the checkpoint does not say where its dataset is; give DatasetDir");
        var builder = SeismicDataset.Builder()
            .FromDirectory(directory)
            .Dataset(DatasetInfo(parse, model))
            .Split(split)
            .ImageSize(model.Spec.ImageSize);
        return ProgressDisplay.Run($"cache {split.FolderName()}", progress =>
            builder.Progress(new Progress<Seismic.Data.Cache.CacheBuildProgress>(p => progress.Report(new ProgressUpdate(p.Done, p.Total)))).Build());
    }

    /// <summary>The physics misfit of <paramref name="dataset"/> when the flags ask for it (--misfit).</summary>
    public static IDataMisfit? DataMisfit(ParseResult parse, SeismicDataset dataset) =>
        parse.GetValue(Misfit) || parse.GetValue(Refine) > 0 ? new Seismic.Physics.Misfit.DatasetMisfit(dataset) : null;

    /// <summary>Runs the evaluator with a progress display, handing every batch to <paramref name="onBatch"/>.</summary>
    public static EvaluationReport Evaluate(ParseResult parse, BridgeModel model, SeismicDataset dataset, EvaluationOptions options, Action<PredictionBatch> onBatch)
    {
        var refiner = Refiner(parse, dataset);
        string label = refiner is null ? $"sample NFE {options.Sampler.Nfe}" : $"sample NFE {options.Sampler.Nfe} + refine {parse.GetValue(Refine)}";
        return ProgressDisplay.Run(label, progress =>
            new Evaluator(model, options).Evaluate(dataset, DataMisfit(parse, dataset),
                new Progress<(int Done, int Total)>(p => progress.Report(new ProgressUpdate(p.Done, p.Total))), onBatch, refiner));
    }

    /// <summary>Writes comparison figures of the first samples and the trajectory of the first batch.</summary>
    public static void WriteFigures(string dir, PredictionBatch batch, ref int remaining, OpenFwiDataset info)
    {
        int s = batch.Size, n = s * s;
        Directory.CreateDirectory(dir);
        for (int i = 0; i < batch.Indices.Length && remaining > 0; i++, remaining--)
        {
            var path = Path.Combine(dir, $"sample{batch.Indices[i]}.png");
            if (batch.RefinedNative is { } refined)
            {
                int m = batch.NativeSize * batch.NativeSize;
                ResultFigures.Refinement(path, s, batch.NativeSize, batch.Truth.AsSpan(i * n, n), batch.Input.AsSpan(i * n, n),
                    batch.Prediction.AsSpan(i * n, n), refined.AsSpan(i * m, m), info);
            }
            else
            {
                ResultFigures.Comparison(path, s, batch.Truth.AsSpan(i * n, n), batch.Input.AsSpan(i * n, n), batch.Prediction.AsSpan(i * n, n), info);
            }
        }
        if (batch.Trajectory is { } t)
            Seismic.Plotting.SeismicFigures.Trajectory(t.Select(x => new Seismic.Plotting.TrajectoryStep(x.Step,
                ResultFigures.MetersPerSecond(x.State, s, info), ResultFigures.MetersPerSecond(x.X0Hat, s, info))).ToList())
                .SavePng(Path.Combine(dir, "trajectory.png"));
    }
}

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
    public static readonly Option<string?> Ckpt = new("--ckpt") { Description = "Checkpoint written by 'train'; with --result-dir/--name a file of that run (default latest.ckpt, or latest.pt for a run of the Python original)." };
    public static readonly Option<string?> DatasetDir = new("--dataset-dir") { Description = "Dataset folder (default: the one the model was trained on)." };
    public static readonly Option<string?> DatasetName = new("--dataset-name") { Description = "Dataset name (default: the training dataset's)." };
    public static readonly Option<string> Split = new("--split") { Description = "train or val.", DefaultValueFactory = _ => "val" };
    public static readonly Option<int> Nfe = new("--nfe") { Description = "Network evaluations per sample (1 .. interval-1).", DefaultValueFactory = _ => 1 };
    public static readonly Option<double> Guidance = new("--guidance", "--guidance-scale", "--guidance_scale") { Description = "Guidance weight w (0: one conditional call).", DefaultValueFactory = _ => 0 };
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

    public static readonly Option<string> Protocol = new("--protocol") { Description = "library, or original: the Python original's rules (corruption draws from NumPy's stream seeded with --seed, OT-ODE sampling).", DefaultValueFactory = _ => "library" };
    public static readonly Option<string?> Corrupt = new("--corrupt") { Description = "Corruption preset that makes x1 (default: the model's)." };
    public static readonly Option<bool> ClipDenoise = new("--clip-denoise") { Description = "Clamp x0_hat to [-1, 1] at every step (always on for a model trained with it)." };
    public static readonly Option<bool> UseFp16 = new("--use-fp16") { Description = "The original's half-precision sampling: --precision fp16 (CUDA only)." };

    /// <summary>
    /// The settings sample and evaluate pass on (EvaluationOptions, OriginalSamplingOptions, EnsembleOptions and RefinementOptions
    /// paths, as ArgumentException.ParamName gives them) and the flags that set them.
    /// </summary>
    public static readonly Dictionary<string, string> Flags = new()
    {
        ["Sampler.Nfe"] = Nfe.Name, ["Sampler.GuidanceScale"] = Guidance.Name, ["Sampler.Formula"] = GuidanceFormula.Name,
        ["BatchSize"] = BatchSize.Name, ["MaxSamples"] = MaxSamples.Name, ["Seed"] = Seed.Name, ["Protocol"] = Protocol.Name, ["RefineFrom"] = RefineFrom.Name,
        ["Partition"] = OriginalSampleOutputs.Partition.Name, ["TotalBatches"] = OriginalSampleOutputs.TotalBatches.Name,
        ["Members"] = EnsembleOutputs.Ensemble.Name, ["Variation"] = EnsembleOutputs.Vary.Name,
        ["Iterations"] = Refine.Name, ["PriorWeight"] = RefinePrior.Name,
    };

    public static IEnumerable<Option> All() =>
        [Ckpt, RunFolder.ResultDir, RunFolder.Name, Protocol, Corrupt, ClipDenoise, UseFp16, PrecisionOption.Flag, DatasetDir, DatasetName, Split, Nfe, Guidance, GuidanceFormula, Deterministic, MaxSamples, BatchSize, Seed, Gpu, OutDir, Figures, Misfit, Refine, RefineFrom, RefinePrior];

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
            ClipDenoise = parse.GetValue(ClipDenoise) ? true : null, // absent: the model's own setting
            LogCount = 5,
        },
        MaxSamples = parse.GetValue(MaxSamples),
        BatchSize = parse.GetValue(BatchSize),
        Seed = EffectiveSeed(parse),
        Protocol = ProtocolOf(parse),
        Corruption = parse.GetValue(Corrupt) is { } corrupt ? Seismic.Diffusion.Corruption.CorruptionPreset.Parse(corrupt) : null,
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

    /// <summary>--protocol as the library's enum.</summary>
    public static EvaluationProtocol ProtocolOf(ParseResult parse) => parse.GetValue(Protocol)!.ToLowerInvariant() switch
    {
        "library" => EvaluationProtocol.Library,
        "original" => EvaluationProtocol.Original,
        var other => throw new ArgumentException($"--protocol must be library or original, got '{other}'"),
    };

    /// <summary>
    /// --seed when given; otherwise the seed of the original's run (its scripts let options.pkl's seed win over an
    /// unset --seed), else 0.
    /// </summary>
    public static Seismic.Data.Seed EffectiveSeed(ParseResult parse)
    {
        if (parse.GetResult(Seed) is { Implicit: false }) return parse.GetValue(Seed);
        bool run = parse.GetValue(RunFolder.ResultDir) is not null;
        return run && RunFolder.Resolve(parse).Original?.GetInt("seed") is { } seed ? seed : parse.GetValue(Seed);
    }

    /// <summary>
    /// Loads the model the flags name on the device they ask for: a checkpoint of 'train', or a run of the Python
    /// original (its options.pkl gives the model, its .pt the weights; --clip-denoise overrides the run's).
    /// </summary>
    public static BridgeModel LoadModel(ParseResult parse)
    {
        var device = Seismic.Diffusion.Runtime.TorchRuntime.ResolveDevice(parse.GetValue(Gpu));
        var precision = Precision(parse);
        if (precision == Seismic.Diffusion.Runtime.Precision.Fp16 && device.type != TorchSharp.DeviceType.CUDA)
            throw new ArgumentException($"{(parse.GetValue(UseFp16) ? "--use-fp16" : "--precision fp16")} needs CUDA (half precision runs on GPUs); " +
                                        "on the CPU use --precision bf16 (fast where the CPU has AVX512-BF16 or AMX) or fp32");
        var model = LoadWeights(parse, device);
        var choice = model.UsePrecision(precision);
        if (choice.Precision != Seismic.Diffusion.Runtime.Precision.Fp32) Console.WriteLine($"precision {choice.Precision.ToString().ToLowerInvariant()}: {choice.Reason}");
        return model;
    }

    /// <summary>--precision, or fp16 for the original's --use-fp16 (the two must not disagree).</summary>
    public static Seismic.Diffusion.Runtime.Precision Precision(ParseResult parse)
    {
        var precision = PrecisionOption.Of(parse);
        if (!parse.GetValue(UseFp16)) return precision;
        if (parse.GetResult(PrecisionOption.Flag) is { Implicit: false } && precision != Seismic.Diffusion.Runtime.Precision.Fp16)
            throw new ArgumentException($"--use-fp16 asks for fp16 but --precision says {parse.GetValue(PrecisionOption.Flag)}; give one of them");
        return Seismic.Diffusion.Runtime.Precision.Fp16;
    }

    private static BridgeModel LoadWeights(ParseResult parse, TorchSharp.torch.Device device)
    {
        var source = RunFolder.Resolve(parse);
        if (source.Original is not { } original) return BridgeModel.Load(source.Checkpoint, device);
        RunFolder.ReportUnsupported(original);
        var config = original.GetString("json_data_config") is { } json && File.Exists(json) ? OpenFwiConfig.Load(json) : OpenFwiConfig.Default;
        var spec = original.ToModelSpec(config);
        if (parse.GetValue(ClipDenoise)) spec = spec with { ClipDenoise = true };
        var model = BridgeModel.Create(spec, device, Seismic.Data.Seed.Zero);
        try
        {
            model.LoadPyTorchStateDict(source.Checkpoint);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The dataset whose normalisation applies: the one the flags name, else the model's.</summary>
    public static OpenFwiDataset DatasetInfo(ParseResult parse, BridgeModel model) =>
        parse.GetValue(DatasetName) is { } name ? OpenFwiDataset.Parse(name) : model.Spec.Dataset;

    /// <summary>Opens the split the model was trained on (or the one the flags name), cached at the model's image size.</summary>
    public static SeismicDataset OpenDataset(ParseResult parse, BridgeModel model)
    {
        var split = DatasetSplits.Parse(parse.GetValue(Split)!);
        var directory = parse.GetValue(DatasetDir) ?? (RunFolder.Resolve(parse) is { Original: { } original }
            ? original.GetString("dataset_dir")
            : TrainingCheckpoint.Read(RunFolder.Resolve(parse).Checkpoint).Options.Data.DatasetDir);
        if (string.IsNullOrEmpty(directory))
            throw new ArgumentException($"the checkpoint does not say where its dataset is; give {DatasetDir.Name}");
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

using System.CommandLine;
using System.Globalization;
using Seismic.Models;
using Seismic.Data.Loading;
using Seismic.Data.Npy;
using Seismic.Diffusion.Sampling;
using Seismic.I2sb.Cli.Terminal;
using Seismic.Plotting;
using Seismic.Training;
using Seismic.Models.Evaluation;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>
/// <c>sample --ensemble K</c> and <c>evaluate --ensemble K</c>: K posterior samples per input, their mean and standard
/// deviation, optional physics misfit per member, a selected prediction, calibration, arrays in m/s and figures.
/// </summary>
internal static class EnsembleOutputs
{
    public static readonly Option<int?> Ensemble = new("--ensemble") { Description = "Draw K posterior samples per input (needs --nfe 2 or more to differ); writes ensemble.npy, prediction_mean.npy, prediction_std.npy." };
    public static readonly Option<string> Select = new("--select") { Description = "With --ensemble, prediction.npy holds: mean, median or misfit (the member with the lowest data misfit; implies --misfit).", DefaultValueFactory = _ => "mean" };

    public static readonly Option<string> Vary = new("--ensemble-vary") { Description = "With --ensemble, what makes members differ: noise (the sampler's), corruption (each member's own corruption draw of x0, as the original's sample.py; no sampler noise) or both.", DefaultValueFactory = _ => "noise" };

    public static IEnumerable<Option> All() => [Ensemble, Select, Vary];

    /// <summary>Files <c>sample --ensemble</c> writes besides prediction.npy and input_x1.npy (cleared before any run, so none is left stale).</summary>
    public static readonly string[] Results = ["ensemble.npy", "prediction_mean.npy", "prediction_std.npy", "ensemble_misfit.npy"];

    /// <summary>True when the flags ask for an ensemble.</summary>
    public static bool Requested(ParseResult parse) => parse.GetValue(Ensemble) is not null;

    /// <summary><c>sample --ensemble K</c>: writes the arrays in m/s and the figures, and prints a summary.</summary>
    public static int Sample(ParseResult parse, BridgeModel model)
    {
        using var dataset = SamplingOptions.OpenDataset(parse, model);
        var outDir = parse.GetValue(SamplingOptions.OutDir)!;
        var (options, k, selection) = Options(parse, model);
        int n = Math.Min(dataset.Count, options.MaxSamples ?? int.MaxValue), s = model.Spec.ImageSize;
        var normalization = dataset.Normalization;
        var misfits = new List<double>();
        // Streamed: each batch goes to disk and is dropped, so N x K members are never held at once.
        using var members = new NpyStreamWriter(Path.Combine(outDir, "ensemble.npy"), [n, k, 1, s, s]);
        using var mean = new NpyStreamWriter(Path.Combine(outDir, "prediction_mean.npy"), [n, 1, s, s]);
        using var std = new NpyStreamWriter(Path.Combine(outDir, "prediction_std.npy"), [n, 1, s, s]);
        using var prediction = new NpyStreamWriter(Path.Combine(outDir, "prediction.npy"), [n, 1, s, s]);
        using var input = new NpyStreamWriter(Path.Combine(outDir, "input_x1.npy"), [n, 1, s, s]);
        var refined = new List<float>();
        var report = Run(parse, model, dataset, options, k, selection, outDir, batch =>
        {
            members.Append(MetersPerSecond(batch.Ensemble, normalization));
            mean.Append(MetersPerSecond(batch.Mean, normalization));
            std.Append(batch.Std.Select(v => (float)(v * normalization.MetersPerSecondPerUnit)).ToArray());
            prediction.Append(MetersPerSecond(batch.Prediction, normalization));
            input.Append(MetersPerSecond(batch.Input, normalization));
            if (batch.Misfit is { } m) misfits.AddRange(m);
            if (batch.RefinedNative is { } r) refined.AddRange(MetersPerSecond(r, normalization));
        });
        foreach (var writer in new[] { members, mean, std, input }) writer.Complete();
        if (refined.Count > 0)
            NpyWriter.Write(Path.Combine(outDir, "prediction_refined.npy"), refined.ToArray(), [n, 1, dataset.Info.NGrid, dataset.Info.NGrid]);
        if (misfits.Count > 0) NpyWriter.Write(Path.Combine(outDir, "ensemble_misfit.npy"), misfits.ToArray(), [n, k]);
        prediction.Complete();   // last: its presence means the run completed
        Console.WriteLine($"Sampled {n} x {k} velocity models (NFE {report.Nfe}) in {report.Seconds:F1} s -> {Path.Combine(outDir, "ensemble.npy")} (m/s, ({n}, {k}, 1, {s}, {s})); " +
                          $"prediction.npy = {report.Ensemble!.Selection}");
        PrintSummary(report);
        return 0;
    }

    /// <summary><c>evaluate --ensemble K</c>: writes report.json (with its <c>ensemble</c> section) and figures, and prints a summary.</summary>
    public static int Evaluate(ParseResult parse, BridgeModel model, string checkpoint)
    {
        using var dataset = SamplingOptions.OpenDataset(parse, model);
        var outDir = parse.GetValue(SamplingOptions.OutDir)!;
        var (options, k, selection) = Options(parse, model);
        var report = Run(parse, model, dataset, options, k, selection, outDir, _ => { }) with { Checkpoint = Path.GetFullPath(checkpoint) };
        var path = Path.Combine(outDir, "report.json");
        report.Save(path);
        Console.WriteLine($"{report.Samples} samples x {k} members, NFE {report.Nfe}; report: {path}");
        PrintSummary(report);
        return 0;
    }

    private static EnsembleVariation Variation(ParseResult parse) => parse.GetValue(Vary)!.ToLowerInvariant() switch
    {
        "noise" => EnsembleVariation.SamplerNoise,
        "corruption" => EnsembleVariation.Corruption,
        "both" => EnsembleVariation.Both,
        var other => throw new ArgumentException($"--ensemble-vary must be noise, corruption or both, got '{other}'"),
    };

    private static (EvaluationOptions Options, int Members, EnsembleSelection Selection) Options(ParseResult parse, BridgeModel model)
    {
        int k = parse.GetValue(Ensemble)!.Value;
        if (k < 1) throw new ArgumentException($"--ensemble must be at least 1, got {k}");
        var selection = parse.GetValue(Select)!.ToLowerInvariant() switch
        {
            "mean" => EnsembleSelection.Mean,
            "median" => EnsembleSelection.Median,
            "misfit" => EnsembleSelection.LowestMisfit,
            var other => throw new ArgumentException($"--select must be mean, median or misfit, got '{other}'"),
        };
        var options = SamplingOptions.Evaluation(parse);
        if (k > 1 && Variation(parse) == EnsembleVariation.SamplerNoise && (options.Sampler.Nfe == 1 || options.Sampler.Deterministic || model.Spec.Bridge.OtOde))
            Console.WriteLine("note: this sampler adds no noise (--nfe 1, --deterministic or an OT-ODE model), so all members are identical; use --nfe 2 or more with an SDE model, or --ensemble-vary corruption");
        return (options, k, selection);
    }

    private static EvaluationReport Run(ParseResult parse, BridgeModel model, SeismicDataset dataset, EvaluationOptions options, int k,
                                        EnsembleSelection selection, string outDir, Action<EnsembleBatch> onBatch)
    {
        int figures = parse.GetValue(SamplingOptions.Figures);
        var misfits = new List<double>();
        var figureDir = Path.Combine(outDir, "figures");
        // Selecting the lowest-misfit member needs the misfit even without --misfit.
        var misfit = selection == EnsembleSelection.LowestMisfit ? new Seismic.Physics.Misfit.DatasetMisfit(dataset) : SamplingOptions.DataMisfit(parse, dataset);
        var report = ProgressDisplay.Run($"sample {k} members, NFE {options.Sampler.Nfe}", progress =>
            new EnsembleEvaluator(model, options, k, selection, Variation(parse)).Evaluate(dataset, misfit,
                new Progress<(int Done, int Total)>(p => progress.Report(new ProgressUpdate(p.Done, p.Total))), batch =>
                {
                    onBatch(batch);
                    if (batch.Misfit is { } m) misfits.AddRange(m);
                    WriteFigures(figureDir, batch, ref figures, dataset);
                }, SamplingOptions.Refiner(parse, dataset)));
        if (misfits.Count > 0)
            SeismicFigures.Histogram(misfits, $"data misfit of {misfits.Count} members ({k} per sample)", "relative L2 misfit")
                .SavePng(Path.Combine(figureDir, "misfit_histogram.png"));
        return report;
    }

    /// <summary>Truth, x1, mean, std (own colour bar) and error of the mean, in m/s, for the first samples.</summary>
    private static void WriteFigures(string dir, EnsembleBatch batch, ref int remaining, SeismicDataset dataset)
    {
        int s = batch.Size, n = s * s;
        var info = dataset.Info;
        double scale = dataset.Normalization.MetersPerSecondPerUnit;
        for (int i = 0; i < batch.Indices.Length && remaining > 0; i++, remaining--)
            SeismicFigures.Ensemble(
                ResultFigures.MetersPerSecond(batch.Truth.AsSpan(i * n, n), s, info),
                ResultFigures.MetersPerSecond(batch.Input.AsSpan(i * n, n), s, info),
                ResultFigures.MetersPerSecond(batch.Mean.AsSpan(i * n, n), s, info),
                new Map2D(batch.Std.AsSpan(i * n, n), s, s).Select(v => (float)(v * scale)))
                .SavePng(Path.Combine(dir, $"ensemble{batch.Indices[i]}.png"));
    }

    private static float[] MetersPerSecond(float[] normalised, Seismic.Data.Transforms.OpenFwiNormalization normalization)
    {
        var result = new float[normalised.Length];
        normalization.DenormalizeVelocity(normalised, result);
        return result;
    }

    private static void PrintSummary(EvaluationReport r)
    {
        var e = r.Ensemble!;
        var c = CultureInfo.InvariantCulture;
        string M(MetricSummary m) => $"MAE {m.Mae.ToString("F4", c)} ({m.MaeMetersPerSecond.ToString("F1", c)} m/s) SSIM {m.Ssim.ToString("F4", c)}";
        Console.WriteLine($"prediction ({e.Selection}): {M(r.Prediction)}; input x1: {M(r.Input)}");
        if (r.RefinedNative is { } refined)
            Console.WriteLine($"refined from {r.RefinedFrom} (70 x 70): {M(refined)}, data misfit {refined.DataMisfit?.ToString("F4", c)}; prediction (70 x 70): {M(r.PredictionNative)}");
        Console.WriteLine($"mean: {M(e.Mean)}; median: {M(e.Median)}; single member: {M(e.SingleMember)}" +
                          (e.LowestMisfitMember is { } l ? $"; lowest-misfit member: {M(l)}" : ""));
        Console.WriteLine($"calibration: mean std {e.MeanStdMetersPerSecond.ToString("F1", c)} m/s, truth within 1 std {e.WithinOneStd.ToString("P1", c)}, " +
                          $"within 2 std {e.WithinTwoStd.ToString("P1", c)}, corr(std, |error|) {(e.StdErrorCorrelation is { } x ? x.ToString("F3", c) : "n/a")}; " +
                          $"{e.SecondsPerSample.ToString("F3", c)} s per sample ({e.SamplingSecondsPerSample.ToString("F3", c)} s sampling)");
        if (e.MemberDataMisfit is { } mm)
            Console.WriteLine($"data misfit (relative L2): members {mm.ToString("F4", c)}, lowest member {e.LowestMemberDataMisfit!.Value.ToString("F4", c)}, " +
                              $"prediction {r.DataMisfit!.Value.ToString("F4", c)}, input x1 {r.InputDataMisfit!.Value.ToString("F4", c)}");
    }
}

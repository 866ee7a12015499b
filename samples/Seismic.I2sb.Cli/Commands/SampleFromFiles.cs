using System.CommandLine;
using Seismic.Models;
using Seismic.Data.Npy;
using Seismic.Physics.Inversion;
using Seismic.Data.OpenFwi;
using Seismic.Data.Transforms;
using Seismic.Diffusion.Sampling;
using Seismic.Plotting;
using Seismic.Training;
using static TorchSharp.torch;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>
/// <c>sample --x1 SMOOTH.npy --seismic DATA.npy</c>: predictions for the user's own smoothed velocity models (m/s,
/// OpenFWI grid) and recorded data (OpenFWI layout), normalised and resized exactly like the training data.
/// </summary>
internal static class SampleFromFiles
{
    public static readonly Option<string?> X1 = new("--x1") { Description = "Smoothed starting velocity models in m/s: (70,70), (1,70,70) or (N,1,70,70). With --seismic, samples these instead of a split." };
    public static readonly Option<string?> Seismic = new("--seismic") { Description = "Recorded data matching --x1: (5,1000,70) or (N,5,1000,70)." };

    public static int Run(ParseResult parse, BridgeModel model)
    {
        var x1Path = parse.GetValue(X1) ?? throw new ArgumentException("--x1 and --seismic go together");
        var seismicPath = parse.GetValue(Seismic) ?? throw new ArgumentException("--x1 and --seismic go together");
        var transform = new SampleTransform(SamplingOptions.DatasetInfo(parse, model), model.Spec.ImageSize);

        var velocity = NpyFile.ReadAllFloat32(x1Path, out var vShape);
        var seismic = NpyFile.ReadAllFloat32(seismicPath, out var sShape);
        int n = velocity.Length / transform.RawVelocityLength;
        if (velocity.Length != n * transform.RawVelocityLength || n == 0 || vShape[^1] != transform.Info.NGrid)
            throw new NpyFormatException(x1Path, $"shape ({string.Join(", ", vShape)}) is not (N, 1, {transform.Info.NGrid}, {transform.Info.NGrid})");
        if (seismic.Length != n * transform.RawSeismicLength)
            throw new NpyFormatException(seismicPath, $"shape ({string.Join(", ", sShape)}) does not hold {n} x ({transform.Info.Ns}, {transform.Info.Nt}, {transform.Info.Ng}) records to match {Path.GetFileName(x1Path)}");
        for (int i = 0; i < n; i++)
        {
            SampleValidation.CheckVelocity(velocity.AsSpan(i * transform.RawVelocityLength, transform.RawVelocityLength), transform.Info, x1Path, i);
            SampleValidation.CheckSeismic(seismic.AsSpan(i * transform.RawSeismicLength, transform.RawSeismicLength), transform.Info, seismicPath, i);
        }

        var sampler = SamplingOptions.Evaluation(parse);
        var metersPerSecond = model.Predict(velocity, seismic, new PredictionOptions
        {
            Sampler = sampler.Sampler, BatchSize = sampler.BatchSize, Seed = sampler.Seed, Dataset = transform.Info,
        });
        int s = model.Spec.ImageSize, vl = transform.VelocityLength;
        var outDir = parse.GetValue(SamplingOptions.OutDir)!;
        NpyWriter.Write(Path.Combine(outDir, "prediction.npy"), metersPerSecond, [n, 1, s, s]);
        int figures = Math.Min(n, parse.GetValue(SamplingOptions.Figures));
        var x1 = new float[vl]; // the input as the network saw it: normalised and resized
        for (int i = 0; i < figures; i++)
        {
            transform.TransformVelocity(velocity.AsSpan(i * transform.RawVelocityLength, transform.RawVelocityLength), x1);
            SeismicFigures.Maps(
            [
                MapPanel.Velocity("smoothed input x1", ResultFigures.MetersPerSecond(x1, s, transform.Info)),
                MapPanel.Velocity("prediction", new Map2D(metersPerSecond.AsSpan(i * vl, vl), s, s)),
            ]).SavePng(Path.Combine(outDir, "figures", $"sample{i}.png"));
        }
        Console.WriteLine($"Sampled {n} velocity models (NFE {sampler.Sampler.Nfe}) from {Path.GetFileName(x1Path)} + {Path.GetFileName(seismicPath)} -> {Path.Combine(outDir, "prediction.npy")} (m/s, ({n}, 1, {s}, {s}))");
        if (parse.GetValue(SamplingOptions.Refine) > 0) Refine(parse, transform, n, velocity, seismic, metersPerSecond, outDir);
        return 0;
    }

    /// <summary>--refine N: full-waveform inversion of each prediction (or x1) against the given recorded data, at 70 x 70.</summary>
    private static void Refine(ParseResult parse, SampleTransform transform, int n, float[] x1, float[] seismic, float[] prediction, string outDir)
    {
        var info = transform.Info;
        int native = info.NGrid, cells = native * native, s = transform.ImageSize;
        bool fromX1 = SamplingOptions.Evaluation(parse).RefineFrom == global::Seismic.Models.Evaluation.RefinementStart.Input;
        var refiner = new WaveformRefiner(new RefinementOptions
        {
            Iterations = parse.GetValue(SamplingOptions.Refine), PriorWeight = parse.GetValue(SamplingOptions.RefinePrior),
            MinVelocity = info.LabelMin, MaxVelocity = info.LabelMax,
        });
        var refined = new float[n * cells];
        var start = new float[cells];
        for (int i = 0; i < n; i++)
        {
            if (fromX1) x1.AsSpan(i * cells, cells).CopyTo(start);
            else BilinearResize.Resize(prediction.AsSpan(i * s * s, s * s), 1, s, s, start, native, native);
            var r = refiner.Refine(start, seismic.AsMemory(i * transform.RawSeismicLength, transform.RawSeismicLength));
            r.Velocity.CopyTo(refined, i * cells);
            Console.WriteLine($"  sample {i}: data misfit {r.RelativeMisfit[0]:F4} -> {r.RelativeMisfit[^1]:F4} in {r.Seconds:F1} s ({r.Evaluations} evaluations)");
        }
        NpyWriter.Write(Path.Combine(outDir, "prediction_refined.npy"), refined, [n, 1, native, native]);
        Console.WriteLine($"Refined {n} models from {(fromX1 ? "x1" : "the predictions")} -> {Path.Combine(outDir, "prediction_refined.npy")} (m/s, ({n}, 1, {native}, {native}))");
    }
}

using System.CommandLine;
using Seismic.Models;
using Seismic.Data.Npy;
using Seismic.Training;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The <c>sample</c> verb: predictions for a split from a checkpoint, as .npy in m/s, plus figures.</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var command = new Command("sample", "Sample velocity models from a checkpoint, for a dataset split or for given files (--x1 and --seismic); writes prediction.npy (m/s) and figures.");
        foreach (var o in SamplingOptions.All()) command.Options.Add(o);
        command.Options.Add(SampleFromFiles.X1);
        command.Options.Add(SampleFromFiles.Seismic);
        foreach (var o in EnsembleOutputs.All()) command.Options.Add(o);
        foreach (var o in OriginalSampleOutputs.All()) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse, () =>
        {
            // Results are checked writable and cleared first: a failure later never leaves results that look complete.
            CliAction.PrepareOutputFolder(parse.GetValue(SamplingOptions.OutDir)!, ["prediction.npy", "input_x1.npy", "prediction_refined.npy", .. EnsembleOutputs.Results]);
            using var model = SamplingOptions.LoadModel(parse);
            if (SamplingOptions.ProtocolOf(parse) == Seismic.Models.Evaluation.EvaluationProtocol.Original)
                return EnsembleOutputs.Requested(parse) || parse.GetValue(SampleFromFiles.X1) is not null || parse.GetValue(SampleFromFiles.Seismic) is not null
                    ? throw new ArgumentException("--protocol original samples a dataset split as the original's sample.py; it cannot be combined with --ensemble or --x1/--seismic")
                    : OriginalSampleOutputs.Run(parse, model);
            if (parse.GetValue(SampleFromFiles.X1) is not null || parse.GetValue(SampleFromFiles.Seismic) is not null)
                return EnsembleOutputs.Requested(parse)
                    ? throw new ArgumentException("--ensemble works on a dataset split; it cannot be combined with --x1/--seismic yet")
                    : SampleFromFiles.Run(parse, model);
            if (EnsembleOutputs.Requested(parse)) return EnsembleOutputs.Sample(parse, model);
            using var dataset = SamplingOptions.OpenDataset(parse, model);
            var outDir = parse.GetValue(SamplingOptions.OutDir)!;
            int figures = parse.GetValue(SamplingOptions.Figures);
            var predictions = new List<float>();
            var inputs = new List<float>();
            var refined = new List<float>();
            int count = 0, size = model.Spec.ImageSize;
            // Back to m/s with the dataset's own label bounds (a --json-data-config may change them).
            var normalization = dataset.Normalization;
            var report = SamplingOptions.Evaluate(parse, model, dataset, SamplingOptions.Evaluation(parse), batch =>
            {
                predictions.AddRange(batch.Prediction.Select(normalization.DenormalizeVelocity));
                inputs.AddRange(batch.Input.Select(normalization.DenormalizeVelocity));
                if (batch.RefinedNative is { } r) refined.AddRange(r.Select(normalization.DenormalizeVelocity));
                count += batch.Indices.Length;
                SamplingOptions.WriteFigures(Path.Combine(outDir, "figures"), batch, ref figures, dataset.Info);
            });
            // prediction.npy last: its presence means the run completed.
            NpyWriter.Write(Path.Combine(outDir, "input_x1.npy"), inputs.ToArray(), [count, 1, size, size]);
            if (refined.Count > 0)
            {
                int native = dataset.Info.NGrid;
                NpyWriter.Write(Path.Combine(outDir, "prediction_refined.npy"), refined.ToArray(), [count, 1, native, native]);
                Console.WriteLine($"Refined from {report.RefinedFrom}: data misfit {report.DataMisfit:F4} -> {report.RefinedNative!.DataMisfit:F4} -> {Path.Combine(outDir, "prediction_refined.npy")} (m/s, ({count}, 1, {native}, {native}))");
            }
            NpyWriter.Write(Path.Combine(outDir, "prediction.npy"), predictions.ToArray(), [count, 1, size, size]);
            Console.WriteLine($"Sampled {count} velocity models (NFE {report.Nfe}) in {report.Seconds:F1} s -> {Path.Combine(outDir, "prediction.npy")} (m/s, ({count}, 1, {size}, {size}))");
            return 0;
        }, SamplingOptions.Flags));
        return command;
    }
}

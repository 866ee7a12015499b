using System.CommandLine;
using System.Globalization;
using Seismic.Models;
using Seismic.Models.Evaluation;
using Seismic.Training;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>The <c>evaluate</c> verb: metrics over a whole split, written as a JSON report, plus figures.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var command = new Command("evaluate", "Evaluate a checkpoint on a split: MAE, MSE, RMSE, SSIM at S x S and 70 x 70, MAE in m/s; writes report.json and figures.");
        foreach (var o in SamplingOptions.All()) command.Options.Add(o);
        foreach (var o in EnsembleOutputs.All()) command.Options.Add(o);
        command.SetAction(parse => CliAction.Run(parse, () =>
        {
            var ckpt = RunFolder.Resolve(parse).Checkpoint;
            // Checked writable and cleared first; report.json, written last, marks a complete evaluation.
            CliAction.PrepareOutputFolder(parse.GetValue(SamplingOptions.OutDir)!, "report.json");
            using var model = SamplingOptions.LoadModel(parse);
            if (EnsembleOutputs.Requested(parse)) return EnsembleOutputs.Evaluate(parse, model, ckpt);
            using var dataset = SamplingOptions.OpenDataset(parse, model);
            var outDir = parse.GetValue(SamplingOptions.OutDir)!;
            int figures = parse.GetValue(SamplingOptions.Figures);
            var report = SamplingOptions.Evaluate(parse, model, dataset, SamplingOptions.Evaluation(parse),
                batch => SamplingOptions.WriteFigures(Path.Combine(outDir, "figures"), batch, ref figures, dataset.Info));
            report = report with { Checkpoint = Path.GetFullPath(ckpt) };
            var path = Path.Combine(outDir, "report.json");
            report.Save(path);
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine($"{report.Samples} samples, NFE {report.Nfe}: prediction MAE {report.Prediction.Mae.ToString("F4", c)} ({report.Prediction.MaeMetersPerSecond.ToString("F1", c)} m/s) SSIM {report.Prediction.Ssim.ToString("F4", c)}; " +
                              $"input x1 MAE {report.Input.Mae.ToString("F4", c)} SSIM {report.Input.Ssim.ToString("F4", c)}; report: {path}");
            if (SamplingOptions.ProtocolOf(parse) == EvaluationProtocol.Original) // as record_openfwi_metrics.py logs them
                Console.WriteLine($"Average MAE on validation: {report.Prediction.Mae.ToString("F6", c)}{Environment.NewLine}" +
                                  $"Average MSE on validation: {report.Prediction.Mse.ToString("F6", c)}{Environment.NewLine}" +
                                  $"Average SSIM on validation: {report.Prediction.Ssim.ToString("F6", c)}");
            if (report.DataMisfit is { } m)
                Console.WriteLine($"data misfit (relative L2): prediction {m.ToString("F4", c)}, input x1 {report.InputDataMisfit!.Value.ToString("F4", c)}");
            if (report.RefinedNative is { } r)
                Console.WriteLine($"refined from {report.RefinedFrom} ({parse.GetValue(SamplingOptions.Refine)} iterations), 70 x 70: MAE {r.Mae.ToString("F4", c)} ({r.MaeMetersPerSecond.ToString("F1", c)} m/s) SSIM {r.Ssim.ToString("F4", c)} " +
                                  $"data misfit {r.DataMisfit?.ToString("F4", c)}; prediction 70 x 70: MAE {report.PredictionNative.Mae.ToString("F4", c)} SSIM {report.PredictionNative.Ssim.ToString("F4", c)}");
            return 0;
        }, SamplingOptions.Flags));
        return command;
    }
}

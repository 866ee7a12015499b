using System.Text.Json;
using Seismic.Data.Npy;

namespace Seismic.I2sb.Cli.Tests.Commands;

/// <summary><c>evaluate --refine</c> and <c>sample --refine</c> on a tiny model: the physics refinement end to end.</summary>
[Collection("torch")]
public sealed class RefineCommandTests
{
    [Fact]
    public void Evaluate_and_sample_refine_predictions_and_x1_against_the_recorded_data()
    {
        using var dir = new TempDir();
        var ckpt = CliRunner.TrainTiny(dir, train: 2, val: 2, perFile: 2, seed: 4);
        string[] common = ["--ckpt", ckpt, "--gpu", "cpu", "--nfe", "1", "--max-samples", "1", "--refine", "2"];

        var run = CliRunner.Succeed(["evaluate", .. common, "--out-dir", dir["eval"], "--figures", "1"]);
        Assert.Contains("refined from prediction (2 iterations)", run.Out);
        using (var report = JsonDocument.Parse(File.ReadAllText(dir["eval/report.json"])))
        {
            var root = report.RootElement;
            Assert.Equal("prediction", root.GetProperty("refined_from").GetString());
            foreach (var block in new[] { "refined", "refined_native" })
                foreach (var key in new[] { "mae", "mse", "rmse", "ssim", "mae_meters_per_second", "data_misfit" })
                    Assert.True(double.IsFinite(root.GetProperty(block).GetProperty(key).GetDouble()), $"{block}.{key}");
            double before = root.GetProperty("prediction").GetProperty("data_misfit").GetDouble();
            double after = root.GetProperty("refined_native").GetProperty("data_misfit").GetDouble();
            // A 2-iteration model predicts badly; two FWI iterations must already explain the data better.
            Assert.True(after < before, $"refined misfit {after} not below the prediction's {before}");
        }
        Assert.True(File.Exists(dir["eval/figures/sample0.png"]));

        CliRunner.Succeed(["evaluate", .. common, "--out-dir", dir["x1"], "--figures", "0", "--refine-from", "x1"]);
        using (var report = JsonDocument.Parse(File.ReadAllText(dir["x1/report.json"])))
        {
            var root = report.RootElement;
            Assert.Equal("x1", root.GetProperty("refined_from").GetString());
            Assert.True(root.GetProperty("refined_native").GetProperty("data_misfit").GetDouble() < root.GetProperty("input").GetProperty("data_misfit").GetDouble());
        }

        CliRunner.Succeed(["sample", .. common, "--out-dir", dir["sample"], "--figures", "0"]);
        var refined = NpyFile.ReadAllFloat32(dir["sample/prediction_refined.npy"], out var shape);
        Assert.Equal([1, 1, 70, 70], shape);
        Assert.All(refined, v => Assert.InRange(v, 1500f, 4500f)); // m/s, within the dataset's bounds

        // An ensemble: its selected prediction is refined with the members' spread weighting the prior.
        var ensemble = CliRunner.Succeed(["sample", "--ckpt", ckpt, "--gpu", "cpu", "--nfe", "2", "--max-samples", "1", "--refine", "2",
                                          "--out-dir", dir["ens"], "--figures", "0", "--ensemble", "2", "--refine-prior", "1"]);
        Assert.Contains("refined from prediction", ensemble.Out);
        Assert.Equal([1, 1, 70, 70], NpyFile.ReadHeader(dir["ens/prediction_refined.npy"]).Shape);

        // The user's own files: the recorded data decide, whatever the model predicts.
        string model = Directory.GetFiles(dir["flatvel/val/model"])[0], data = Directory.GetFiles(dir["flatvel/val/data"])[0];
        var own = CliRunner.Succeed(["sample", .. common, "--x1", model, "--seismic", data, "--out-dir", dir["own"], "--figures", "0"]);
        Assert.Contains("sample 0: data misfit", own.Out);
        Assert.Equal([2, 1, 70, 70], NpyFile.ReadHeader(dir["own/prediction_refined.npy"]).Shape);

        var bad = CliRunner.Run(["evaluate", .. common, "--out-dir", dir["bad"], "--refine-from", "truth"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--refine-from", bad.Error);
    }
}

using System.Text.Json;
using Seismic.Data.Npy;

namespace Seismic.I2sb.Cli.Tests.Commands;

/// <summary><c>sample --ensemble</c> and <c>evaluate --ensemble</c> on a tiny model.</summary>
[Collection("torch")]
public sealed class EnsembleCommandTests
{
    [Fact]
    public void Sample_and_evaluate_an_ensemble_with_physics_selection()
    {
        using var dir = new TempDir();
        var ckpt = CliRunner.TrainTiny(dir, train: 4, val: 3, perFile: 4, seed: 3);
        string[] common = ["--ckpt", ckpt, "--gpu", "cpu", "--nfe", "3", "--seed", "5", "--batch-size", "4"];

        // K = 1 is today's sample, bit for bit.
        CliRunner.Succeed(["sample", .. common, "--out-dir", dir["plain"], "--figures", "0"]);
        CliRunner.Succeed(["sample", .. common, "--out-dir", dir["k1"], "--figures", "0", "--ensemble", "1"]);
        Assert.Equal(File.ReadAllBytes(dir["plain/prediction.npy"]), File.ReadAllBytes(dir["k1/prediction.npy"]));
        Assert.Equal(File.ReadAllBytes(dir["plain/input_x1.npy"]), File.ReadAllBytes(dir["k1/input_x1.npy"]));
        Assert.Equal([3, 1, 1, 16, 16], NpyFile.ReadHeader(dir["k1/ensemble.npy"]).Shape);

        var run = CliRunner.Succeed(["sample", .. common, "--out-dir", dir["k3"], "--ensemble", "3", "--select", "misfit", "--max-samples", "2", "--figures", "1"]);
        Assert.Contains("calibration:", run.Out);
        var members = NpyFile.ReadAllFloat32(dir["k3/ensemble.npy"], out var shape);
        Assert.Equal([2, 3, 1, 16, 16], shape);
        Assert.All(members, v => Assert.InRange(v, 100f, 10_000f));   // m/s
        var misfit = NpyFile.ReadAllFloat64(dir["k3/ensemble_misfit.npy"], out var misfitShape);
        Assert.Equal([2, 3], misfitShape);
        var prediction = NpyFile.ReadAllFloat32(dir["k3/prediction.npy"], out _);
        var std = NpyFile.ReadAllFloat32(dir["k3/prediction_std.npy"], out var stdShape);
        Assert.Equal([2, 1, 16, 16], stdShape);
        Assert.True(std.Max() > 0);
        int n = 16 * 16;
        for (int i = 0; i < 2; i++)
        {
            var row = misfit.AsSpan(i * 3, 3).ToArray();
            int best = Array.IndexOf(row, row.Min());
            Assert.Equal(members.AsSpan((i * 3 + best) * n, n).ToArray(), prediction.AsSpan(i * n, n).ToArray());
        }
        Assert.True(File.Exists(dir["k3/figures/ensemble0.png"]));
        Assert.True(File.Exists(dir["k3/figures/misfit_histogram.png"]));

        CliRunner.Succeed(["evaluate", .. common, "--out-dir", dir["eval"], "--figures", "0", "--ensemble", "2", "--select", "median"]);
        using var report = JsonDocument.Parse(File.ReadAllText(dir["eval/report.json"]));
        var ensemble = report.RootElement.GetProperty("ensemble");
        Assert.Equal("median", ensemble.GetProperty("selection").GetString());
        foreach (var key in new[] { "mean_std_meters_per_second", "within_one_std", "within_two_std", "seconds_per_sample" })
            Assert.True(double.IsFinite(ensemble.GetProperty(key).GetDouble()), key);

        var bad = CliRunner.Run(["sample", .. common, "--out-dir", dir["bad"], "--ensemble", "2", "--select", "best"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--select", bad.Error);
    }
}

using System.Text.Json;
using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;

namespace Seismic.I2sb.Cli.Tests;

/// <summary>The verbs chained as a user runs them, on tiny data.</summary>
[Collection("torch")]
public sealed class EndToEndTests
{
    [Fact]
    public void Synthesize_prepare_export_train_evaluate_sample()
    {
        using var dir = new TempDir();
        string data = dir["flatvel"], results = dir["results"];

        var synth = CliRunner.Succeed("synthesize", "--family", "FlatVel_A", "--train", "8", "--val", "4", "--per-file", "4", "--seed", "3", "--out", data);
        Assert.Contains("done:", synth.Out);
        Assert.True(File.Exists(Path.Combine(data, "manifest.json")));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(data, "train", "data"), "*.npy").Length);

        var prepare = CliRunner.Succeed("prepare", "--dataset-dir", data, "--dataset-name", "FlatVel_A", "--image-size", "16");
        Assert.Contains("train: 8 samples", prepare.Out);
        Assert.Contains("val: 4 samples", prepare.Out);

        CliRunner.Succeed("export", "--dataset-dir", data, "--dataset-name", "FlatVel_A", "--split", "val", "--index", "3",
                          "--image-size", "16", "--out-dir", dir["export"]);
        Assert.Equal([1, 16, 16], NpyFile.ReadHeader(dir["export/velocity.npy"]).Shape);
        Assert.Equal([5, 16, 16], NpyFile.ReadHeader(dir["export/seismic.npy"]).Shape);
        var v = NpyFile.ReadAllFloat32(dir["export/velocity.npy"], out _);
        Assert.All(v, x => Assert.InRange(x, -1f, 1f));

        CliRunner.Succeed("train", "--dataset-dir", data, "--dataset-name", "FlatVel_A", "--result-dir", results, "--name", "tiny",
                          "--gpu", "cpu", "--model", "i2sb_small_cond", "--image-size", "16", "--batch-size", "4", "--microbatch", "2",
                          "--num-itr", "3", "--interval", "100", "--val-batches", "1", "--corrupt", "blur-openfwi_benchmark",
                          "--val-every", "3", "--log-writer", "tensorboard");
        var ckpt = Path.Combine(results, "tiny", "latest.ckpt");
        Assert.True(File.Exists(ckpt));
        Assert.True(File.Exists(Path.Combine(results, "tiny", "figures", "val_itr0000003.png")));
        var events = Assert.Single(Directory.GetFiles(Path.Combine(results, "tiny", "tensorboard"), "events.out.tfevents.*"));
        Assert.True(new FileInfo(events).Length > 100);

        var evaluate = CliRunner.Succeed("evaluate", "--ckpt", ckpt, "--gpu", "cpu", "--out-dir", dir["eval"], "--batch-size", "4", "--figures", "1");
        Assert.Contains("report:", evaluate.Out);
        using (var report = JsonDocument.Parse(File.ReadAllText(dir["eval/report.json"])))
        {
            var root = report.RootElement;
            foreach (var key in new[] { "dataset", "split", "samples", "image_size", "nfe", "guidance", "deterministic", "prediction",
                                        "prediction_native", "input", "input_native", "seconds", "checkpoint" })
                Assert.True(root.TryGetProperty(key, out _), $"report.json lacks '{key}'");
            Assert.Equal(4, root.GetProperty("samples").GetInt32());
            Assert.Equal("val", root.GetProperty("split").GetString());
            foreach (var part in new[] { "prediction", "prediction_native", "input", "input_native" })
                foreach (var metric in new[] { "mae", "mse", "rmse", "ssim", "mae_meters_per_second" })
                    Assert.True(double.IsFinite(root.GetProperty(part).GetProperty(metric).GetDouble()), $"{part}.{metric}");
        }
        Assert.True(File.Exists(dir["eval/figures/sample0.png"]));

        CliRunner.Succeed("sample", "--ckpt", ckpt, "--gpu", "cpu", "--out-dir", dir["sample"], "--nfe", "2", "--figures", "0");
        Assert.Equal([4, 1, 16, 16], NpyFile.ReadHeader(dir["sample/prediction.npy"]).Shape);
        var prediction = NpyFile.ReadAllFloat32(dir["sample/prediction.npy"], out _);
        Assert.All(prediction, x => Assert.True(float.IsFinite(x) && x > 0 && x < 10_000, $"{x} m/s"));

        CliRunner.Succeed("plot", "--velocity", dir["sample/prediction.npy"], "--index", "1", "--out", dir["plot.png"]);
        Assert.True(new FileInfo(dir["plot.png"]).Length > 1000);
    }

    public static TheoryData<string> Families => [.. OpenFwiDataset.All.Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(Families))]
    public void Synthesize_then_prepare_works_for_every_family(string family)
    {
        using var dir = new TempDir();
        CliRunner.Succeed("synthesize", "--family", family, "--train", "2", "--val", "1", "--per-file", "1", "--out", dir.Path);
        var prepare = CliRunner.Succeed("prepare", "--dataset-dir", dir.Path, "--dataset-name", family, "--image-size", "8");
        Assert.Contains("train: 2 samples", prepare.Out);
        Assert.Contains("val: 1 samples", prepare.Out);
    }
}

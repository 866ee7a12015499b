using System.Text.Json;
using Seismic.Models;
using Seismic.Tests;
using TorchSharp.PyBridge;
using static Seismic.Tests.PickleBytes;
using static TorchSharp.torch;

namespace Seismic.I2sb.Cli.Tests.Commands;

/// <summary><c>sample</c>/<c>evaluate</c> on a run folder: this library's, and one in the Python original's layout.</summary>
[Collection("torch")]
public sealed class OriginalRunCommandTests
{
    [Fact]
    public void A_run_in_the_originals_layout_evaluates_as_the_same_weights_in_a_run_of_train()
    {
        using var dir = new TempDir();
        var ckpt = CliRunner.TrainTiny(dir, train: 4, val: 3, perFile: 4, seed: 3);
        string[] common = ["--gpu", "cpu", "--nfe", "3", "--batch-size", "2", "--figures", "0", "--protocol", "original", "--corrupt", "blur-openfwi_custom"];

        var own = CliRunner.Succeed(["evaluate", "--result-dir", dir["results"], "--name", "tiny", "--seed", "3", "--out-dir", dir["own"], .. common]);
        Assert.Contains("Average MAE on validation:", own.Out);

        // The same EMA weights as the original's bare state dict, beside an options.pkl that describes the model.
        var checkpoints = Directory.CreateDirectory(dir["orig/tiny/checkpoints"]).FullName;
        using (var model = BridgeModel.Load(ckpt, CPU))
        using (model.Ema.Apply())
        {
            model.Network.save_py(Path.Combine(checkpoints, "latest.pt"));
        }
        File.WriteAllBytes(Path.Combine(checkpoints, "options.pkl"), Namespace(
            ("seed", Value(3)), ("model", Value("i2sb_small_cond")), ("image_size", Value(16)), ("interval", Value(100)),
            ("corrupt", Value("blur-openfwi_benchmark")), ("dataset_name", Value("FlatVel_A")), ("dataset_dir", Value(dir["flatvel"])),
            ("ot_ode", Value(false)), ("clip_denoise", Value(false)), ("t0", Value(1e-4)), ("T", Value(1.0)), ("beta_max", Value(0.3)),
            ("ckpt_path", [.. Str("pathlib"), .. Str("PosixPath"), 0x93, .. Str("/x/checkpoints"), 0x85, 0x52]),
            ("fancy_flag", Value("on"))));
        // No --seed: the run's own seed (3), as the original's scripts take it from options.pkl.
        var original = CliRunner.Succeed(["evaluate", "--result-dir", dir["orig"], "--name", "tiny", "--out-dir", dir["orig-eval"], .. common]);
        Assert.Contains("fancy_flag='on'", original.Out);

        var a = Prediction(dir["own/report.json"]);
        var b = Prediction(dir["orig-eval/report.json"]);
        foreach (var metric in new[] { "mae", "mse", "ssim" })
            Assert.True(Math.Abs(a.GetProperty(metric).GetDouble() - b.GetProperty(metric).GetDouble()) < 1e-6, $"{metric}: {a} vs {b}");

        // Another seed draws other corruptions.
        CliRunner.Succeed(["evaluate", "--result-dir", dir["orig"], "--name", "tiny", "--seed", "4", "--out-dir", dir["seed4"], .. common]);
        Assert.NotEqual(a.GetProperty("mae").GetDouble(), Prediction(dir["seed4/report.json"]).GetProperty("mae").GetDouble());
    }

    [Fact]
    public void Sample_with_the_original_protocol_writes_batches_of_draws_of_one_sample_in_the_originals_layout()
    {
        using var dir = new TempDir();
        CliRunner.TrainTiny(dir, train: 4, val: 4, perFile: 4, seed: 3);
        var run = CliRunner.Succeed("sample", "--result-dir", dir["results"], "--name", "tiny", "--protocol", "original", "--corrupt", "blur-openfwi_custom",
                                    "--batch-size", "2", "--total-batches", "2", "--nfe", "3", "--seed", "5", "--write-pt", "--clip-denoise",
                                    "--out-dir", dir["out"], "--gpu", "cpu");
        var folder = dir["out/samples/5/nfe=3_guidance-scale=0.0_clip"];
        Assert.Contains(folder, run.Out);
        Assert.Equal(["batch_0.pt", "batch_0_data.npy", "batch_0_model.npy", "batch_1.pt", "batch_1_data.npy", "batch_1_model.npy"],
                     Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        for (int i = 0; i < 2; i++)
        {
            var draws = NpyFileFloats(Path.Combine(folder, $"batch_{i}_model.npy"), out var shape);
            Assert.Equal([2, 1, 16, 16], shape);
            var data = NpyFileFloats(Path.Combine(folder, $"batch_{i}_data.npy"), out var dataShape);
            Assert.Equal([2, 5, 16, 16], dataShape);
            int n = 5 * 16 * 16;
            Assert.Equal(data[..n], data[n..]);               // one sample's condition, repeated
            Assert.NotEqual(draws[..256], draws[256..]);      // two corruption draws give two posterior draws
            Assert.All(draws, v => Assert.InRange(v, -1f, 1f)); // clamped
            var pt = StateDictFile.Read(Path.Combine(folder, $"batch_{i}.pt")); // what torch.load reads: {"model", "data"}
            try
            {
                Assert.Equal(draws, pt["model"].data<float>().ToArray());
                Assert.Equal([2L, 5, 16, 16], pt["data"].shape);
            }
            finally { foreach (var t in pt.Values) t.Dispose(); }
        }

        var partition = CliRunner.Run("sample", "--result-dir", dir["results"], "--name", "tiny", "--protocol", "original", "--partition", "0_3",
                                      "--out-dir", dir["out2"], "--gpu", "cpu");
        Assert.Equal(2, partition.ExitCode);
        Assert.Contains("--partition", partition.Error);
    }

    [Fact]
    public void Train_continues_an_original_run_with_its_options_and_init_from_starts_from_any_weights()
    {
        using var dir = new TempDir();
        var ckpt = CliRunner.TrainTiny(dir, train: 4, val: 2, perFile: 4, seed: 3);
        var checkpoints = Directory.CreateDirectory(dir["orig/run/checkpoints"]).FullName;
        using (var model = BridgeModel.Load(ckpt, CPU)) model.Network.save_py(Path.Combine(checkpoints, "latest.pt"));
        File.WriteAllBytes(Path.Combine(checkpoints, "options.pkl"), Namespace(
            ("seed", Value(4)), ("model", Value("i2sb_small_cond")), ("image_size", Value(16)), ("interval", Value(100)),
            ("corrupt", Value("blur-openfwi_benchmark")), ("dataset_name", Value("FlatVel_A")), ("batch_size", Value(2)), ("microbatch", Value(2)),
            ("num_itr", Value(1000000)), ("lr", Value(1e-4)), ("clip_grad_norm", Value(null)), ("val_batches", Value(1)), ("fancy_flag", Value(7))));

        // Only what the run does not say is given; --num-itr overrides the run's 1000000.
        var resumed = CliRunner.Succeed("train", "--result-dir", dir["orig"], "--name", "run", "--ckpt", "latest.pt", "--dataset-dir", dir["flatvel"],
                                        "--num-itr", "2", "--gpu", "cpu", "--val-every", "1000", "--save-every", "1000");
        Assert.Contains("Continuing the original's run", resumed.Out);
        Assert.Contains("fancy_flag=7", resumed.Out);
        Assert.True(File.Exists(dir["orig/run/latest.ckpt"]));
        using (var continued = BridgeModel.Load(dir["orig/run/latest.ckpt"], CPU))
        {
            Assert.Equal("i2sb_small_cond", continued.Spec.NetworkName);
            Assert.Equal(100, continued.Spec.Bridge.Interval);
        }

        CliRunner.Succeed("train", "--result-dir", dir["results"], "--name", "tuned", "--init-from", dir["orig/run/checkpoints/latest.pt"],
                          "--dataset-dir", dir["flatvel"], "--model", "i2sb_small_cond", "--image-size", "16", "--interval", "100", "--batch-size", "2",
                          "--microbatch", "2", "--num-itr", "1", "--gpu", "cpu", "--val-every", "1000", "--save-every", "1000");
        var wrong = CliRunner.Run("train", "--result-dir", dir["results"], "--name", "wrong", "--init-from", ckpt, "--dataset-dir", dir["flatvel"],
                                  "--model", "i2sb_small", "--image-size", "16", "--num-itr", "1", "--gpu", "cpu");
        Assert.Equal(5, wrong.ExitCode);
        Assert.Contains("i2sb_small_cond", wrong.Error);
    }

    [Fact]
    public void An_ensemble_of_corruption_draws_spreads_without_sampler_noise()
    {
        using var dir = new TempDir();
        var ckpt = CliRunner.TrainTiny(dir, train: 4, val: 2, perFile: 4, seed: 3);
        var run = CliRunner.Succeed("sample", "--ckpt", ckpt, "--gpu", "cpu", "--nfe", "1", "--ensemble", "3", "--ensemble-vary", "corruption",
                                    "--corrupt", "blur-openfwi_custom", "--figures", "0", "--out-dir", dir["ens"]);
        Assert.DoesNotContain("all members are identical", run.Out);
        var std = NpyFileFloats(dir["ens/prediction_std.npy"], out _);
        Assert.True(std.Max() > 1f, "members should differ (m/s)");
        Assert.Equal(2, CliRunner.Run("sample", "--ckpt", ckpt, "--gpu", "cpu", "--ensemble", "2", "--ensemble-vary", "x", "--out-dir", dir["bad"]).ExitCode);
    }

    private static float[] NpyFileFloats(string path, out int[] shape) => Seismic.Data.Npy.NpyFile.ReadAllFloat32(path, out shape);

    [Fact]
    public void Run_flags_that_do_not_name_a_model_fail_with_a_usage_error()
    {
        using var dir = new TempDir();
        var half = CliRunner.Run("evaluate", "--name", "x", "--out-dir", dir["e"], "--gpu", "cpu");
        Assert.Equal(2, half.ExitCode);
        Assert.Contains("--result-dir and --name go together", half.Error);

        var none = CliRunner.Run("sample", "--out-dir", dir["s"], "--gpu", "cpu");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--result-dir R --name N", none.Error);

        var empty = CliRunner.Run("evaluate", "--result-dir", dir.Path, "--name", "nothing", "--out-dir", dir["e"], "--gpu", "cpu");
        Assert.Equal(3, empty.ExitCode);
        Assert.Contains("options.pkl", empty.Error);

        var pt = Golden.PathOf("unet/unet_tiny.pt");
        var bare = CliRunner.Run("evaluate", "--ckpt", pt, "--out-dir", dir["e"], "--gpu", "cpu");
        Assert.Equal(2, bare.ExitCode);
        Assert.Contains("options.pkl", bare.Error);

        var fp16 = CliRunner.Run("sample", "--ckpt", pt, "--use-fp16", "--out-dir", dir["s"], "--gpu", "cpu");
        Assert.Equal(2, fp16.ExitCode);
        Assert.Contains("--use-fp16", fp16.Error);
        Assert.Contains("bf16", fp16.Error); // what to use on the CPU instead
    }

    private static JsonElement Prediction(string report) => JsonDocument.Parse(File.ReadAllText(report)).RootElement.GetProperty("prediction").Clone();
}

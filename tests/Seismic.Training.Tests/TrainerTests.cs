using Seismic.Diffusion;
using Seismic.Models;
using Seismic.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Training.Tests;

[Collection("torch")]
public sealed class TrainerTests : IDisposable
{
    private readonly TinyOpenFwi _data = new();

    public void Dispose() => _data.Dispose();

    private Trainer Build(TrainingOptions options) => Trainer.CreateBuilder().Options(options).Build();

    [Fact]
    public void Loss_decreases_on_a_fixed_tiny_dataset()
    {
        var o = _data.Options();
        o = o.Bridge(x => x with { Parameterization = true ? BridgeParameterization.PredX0 : BridgeParameterization.NoiseLike });
        o = o.Bridge(x => x with { OtOde = true });
        o = o.Optimization(x => x with { NumIterations = 40 });
        o = o.Schedule(x => x with { SaveEvery = 1000 });
        o = o.Schedule(x => x with { ValBatches = 0 });
        using var trainer = Build(o);
        var result = trainer.Run();
        Assert.Equal(40, result.Iterations);
        double first = result.Losses.Take(5).Average(), last = result.Losses.TakeLast(5).Average();
        Assert.True(last < 0.5 * first, $"loss did not halve: first {first:F4}, last {last:F4}");
    }

    [Fact]
    public void Gradients_of_microbatches_add_up_to_the_full_batch_gradient_times_their_count()
    {
        var o = _data.Options();
        o = o.Bridge(x => x with { OtOde = true });
        using var trainer = Build(o);
        var net = trainer.Model.Network;
        manual_seed(3);
        var xn = randn(4, 1, 16, 16);
        var label = randn(4, 1, 16, 16);
        var cond = randn(4, 5, 16, 16);
        var steps = tensor(new long[] { 3, 40, 77, 99 });

        net.zero_grad();
        for (int i = 0; i < 4; i++)
            trainer.Backward(new Trainer.Microbatch(steps[i..(i + 1)], xn[i..(i + 1)], label[i..(i + 1)], cond[i..(i + 1)]));
        var accumulated = net.parameters().Select(p => p.grad!.clone()).ToList();

        net.zero_grad();
        trainer.Backward(new Trainer.Microbatch(steps, xn, label, cond));
        var whole = net.parameters().Select(p => p.grad!.clone()).ToList();

        // Sum rule: the trainer adds the microbatch gradients; each is of a mean over 1 sample, the whole one of a mean over 4.
        for (int i = 0; i < whole.Count; i++)
            Assert.True(accumulated[i].allclose(whole[i] * 4, rtol: 1e-4, atol: 1e-6), $"parameter {i} differs");
        Assert.Contains(accumulated, g => g.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void A_resumed_run_continues_with_identical_losses()
    {
        var full = _data.Options("full");
        using (var t = Build(full)) t.Run();
        var expected = ReadLosses(Path.Combine(full.RunDir, "latest.ckpt"));

        var first = _data.Options("split");
        first = first.Optimization(x => x with { NumIterations = 3 });
        using (var t = Build(first)) t.Run();
        var second = _data.Options("split");
        second = second with { ResumeFrom = Path.Combine(second.RunDir, "latest.ckpt") };
        using var resumed = Build(second);
        Assert.Equal(3, resumed.Iteration);
        var result = resumed.Run();

        Assert.Equal(6, expected.Count);
        Assert.Equal(expected, result.Losses);
    }

    [Fact]
    public void A_crash_while_saving_leaves_the_previous_checkpoint_intact()
    {
        var o = _data.Options();
        o = o.Optimization(x => x with { NumIterations = 2 });
        using var trainer = Build(o);
        trainer.Run();
        var path = trainer.CheckpointPath;
        var before = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() => new Seismic.Models.Checkpoints.CheckpointWriter()
            .Add("meta", w => w.Write(new byte[10]))
            .Add("model", _ => throw new IOException("simulated crash mid-save"))
            .Save(path));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!, "latest.ckpt*")); // no temporary left
        using var model = BridgeModel.Load(path, TorchSharp.torch.CPU);
        Assert.True(model.IsConditional);
    }

    [Fact]
    public void Truncated_checkpoints_are_rejected_with_the_file_name()
    {
        var o = _data.Options();
        o = o.Optimization(x => x with { NumIterations = 1 });
        using var trainer = Build(o);
        trainer.Run();
        var bytes = File.ReadAllBytes(trainer.CheckpointPath);
        var broken = Path.Combine(_data.Directory, "broken.ckpt");
        File.WriteAllBytes(broken, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => BridgeModel.Load(broken, TorchSharp.torch.CPU));
        Assert.Contains("broken.ckpt", e.Message);
    }

    [Fact]
    public void A_non_finite_loss_stops_training_and_keeps_the_last_good_checkpoint()
    {
        var o = _data.Options();
        o = o.Optimization(x => x with { NumIterations = 3 });
        o = o.Schedule(x => x with { SaveEvery = 1 });
        using var trainer = Build(o);
        trainer.Step();
        trainer.SaveCheckpoint();
        var good = File.ReadAllBytes(trainer.CheckpointPath);
        using (no_grad()) trainer.Model.Network.parameters().First().fill_(float.NaN);

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Run());
        Assert.Contains("iteration 2", e.Message);
        Assert.Equal(1, trainer.Iteration);
        Assert.Equal(good, File.ReadAllBytes(trainer.CheckpointPath));
    }

    [Fact]
    public void Steps_leave_no_live_tensors_behind()
    {
        var o = _data.Options();
        using var trainer = Build(o);
        trainer.Step();
        trainer.Step();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++) trainer.Step();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Validation_measures_prediction_and_input_on_the_ema_weights()
    {
        var o = _data.Options();
        o = o.Optimization(x => x with { NumIterations = 2 });
        using var trainer = Build(o);
        trainer.Step();
        var v = trainer.Validate();
        Assert.Equal(4, v.Samples);
        Assert.Equal(16 * 16, v.Example.Prediction.Length);
        Assert.InRange(v.Input.Ssim, -1, 1);
        Assert.True(v.Input.Mae > 0, "x1 should differ from x0 after the blur");
        Assert.True(double.IsFinite(v.Prediction.Mae));
    }

    [Fact]
    public void The_tensorboard_writer_records_losses_and_validation()
    {
        var o = _data.Options("tb");
        o = o.Optimization(x => x with { NumIterations = 2 });
        o = o.Schedule(x => x with { LogEvery = 1 });
        o = o.Schedule(x => x with { ValidateEvery = 2 });
        o = o.Schedule(x => x with { LogWriter = LogWriter.TensorBoard });
        using (var trainer = Build(o)) trainer.Run();
        var events = Directory.GetFiles(Path.Combine(o.RunDir, "tensorboard"), "events.out.tfevents.*");
        var bytes = File.ReadAllBytes(Assert.Single(events));
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        Assert.Contains("train/loss", text);
        Assert.Contains("val/prediction/ssim", text);
        Assert.Contains("val/truth", text);
    }

    [Fact]
    public void Reference_weights_become_the_sampling_weights()
    {
        var o = _data.Options();
        using var trained = BridgeModel.Create(o.Model, CPU, o.Seed);
        using (no_grad()) foreach (var p in trained.Network.parameters()) p.add_(0.01);
        var path = Path.Combine(_data.Directory, "net.safetensors");
        Seismic.Models.StateDictFile.SaveSafetensors(trained.Network, path);

        using var fresh = BridgeModel.Create(o.Model, CPU, o.Seed);
        fresh.LoadPyTorchStateDict(path);
        var expected = trained.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var ema = fresh.Ema.StateDict();
        foreach (var name in fresh.Ema.ParameterNames)
            Assert.True(ema[name].equal(expected[name]).all().item<bool>(), $"EMA weight {name} differs from the loaded one");
        foreach (var (name, p) in fresh.Network.named_parameters())
            Assert.True(p.equal(expected[name]).all().item<bool>(), $"network weight {name} differs from the loaded one");
        foreach (var t in ema.Values) t.Dispose();
    }

    [Fact]
    public void A_reference_training_checkpoint_gives_the_network_its_net_and_the_ema_its_shadow()
    {
        var o = _data.Options();
        o = o.Spec(x => x with { Network = TinyOpenFwi.TinyNet with { ModelChannels = 8, NumResBlocks = 1, NumHeads = 1 } });
        using var model = BridgeModel.Create(o.Model, CPU, o.Seed);
        string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "reference", name);
        model.LoadPyTorchStateDict(Fixture("latest.pt"));

        Assert.Equal(7, model.Ema.UpdateCount);
        using var x = tensor(Seismic.Data.Npy.NpyFile.ReadAllFloat32(Fixture("x.npy"), out var shape), shape.Select(d => (long)d).ToArray());
        using var t = tensor(Seismic.Data.Npy.NpyFile.ReadAllFloat32(Fixture("t.npy"), out _));
        var unet = model.Network.UNet;
        unet.eval();
        using (no_grad())
        {
            using var yNet = unet.call(x, t);
            AssertClose(Fixture("y_net.npy"), yNet);
            using (model.Ema.Apply())
            {
                using var yEma = unet.call(x, t);
                AssertClose(Fixture("y_ema.npy"), yEma);
            }
        }

        static void AssertClose(string expectedPath, Tensor actual)
        {
            var expected = Seismic.Data.Npy.NpyFile.ReadAllFloat32(expectedPath, out _);
            var got = actual.data<float>().ToArray();
            Assert.Equal(expected.Length, got.Length);
            double worst = expected.Zip(got, (e, g) => Math.Abs(e - g)).Max(), scale = expected.Max(Math.Abs);
            Assert.True(worst <= 1e-4 * scale, $"{Path.GetFileName(expectedPath)}: max difference {worst:E2} (scale {scale:E2})");
        }
    }

    [Fact]
    public void A_reference_checkpoint_for_another_network_is_rejected_naming_the_file()
    {
        using var model = BridgeModel.Create(_data.Options().Model, CPU, _data.Options().Seed); // model channels 16, the checkpoint's 8
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "latest.pt");
        var e = Assert.Throws<Seismic.Models.StateDictException>(() => model.LoadPyTorchStateDict(path));
        Assert.Contains("latest.pt", e.Message);
        Assert.Contains("shape", e.Message);
    }

    [Fact]
    public void A_reference_checkpoint_is_read_with_its_ema_and_without_its_optimiser()
    {
        using var checkpoint = Seismic.Models.ReferenceCheckpoint.Read(Path.Combine(AppContext.BaseDirectory, "reference", "latest.pt"));
        Assert.Equal(7, checkpoint.EmaUpdates);
        Assert.Equal(0.99, checkpoint.EmaDecay);
        Assert.Equal(checkpoint.Network.Count, checkpoint.EmaShadow.Count); // every U-Net tensor is a parameter
        Assert.All(checkpoint.Network.Keys, k => Assert.StartsWith("diffusion_model.", k));
    }

    [Fact]
    public void Explicit_cuda_without_cuda_fails_at_build_time()
    {
        if (cuda.is_available()) return;
        var o = _data.Options();
        o = o with { Device = "cuda" };
        var e = Assert.Throws<ArgumentException>(() => Build(o));
        Assert.Contains("CUDA is not available", e.Message);
    }

    private static List<double> ReadLosses(string path)
    {
        var json = System.Text.Json.JsonDocument.Parse(Seismic.Models.Checkpoints.Checkpoint.Read(path).Section("meta"));
        return json.RootElement.GetProperty("Losses").EnumerateArray().Select(x => x.GetDouble()).ToList();
    }
}

using Seismic.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seismic.Training.Tests;

/// <summary>Continuing the Python original's runs and starting from any checkpoint's weights.</summary>
[Collection("torch")]
public sealed class TrainerOriginalTests : IDisposable
{
    private static readonly string Reference = Path.Combine(AppContext.BaseDirectory, "reference", "latest.pt");
    private readonly TinyOpenFwi _data = new();

    public void Dispose() => _data.Dispose();

    // The network of tests/TestData/reference/latest.pt (benchmarks/reference/make_reference_checkpoint.py).
    private TrainingOptions Options(string name) => _data.Options(name)
        .Spec(x => x with { Network = TinyOpenFwi.TinyNet with { ModelChannels = 8, NumResBlocks = 1, NumHeads = 1 } })
        .Optimization(x => x with { NumIterations = 3 })
        .Schedule(x => x with { SaveEvery = 1000, ValBatches = 0 });

    [Fact]
    public void The_originals_latest_pt_resumes_with_its_ema_adamw_moments_and_iteration()
    {
        using var trainer = Trainer.CreateBuilder().Options(Options("resumed") with { ResumeFrom = Reference }).Build();
        Assert.Equal(1, trainer.Iteration); // the scheduler's last_epoch: one step was taken
        Assert.Equal(7, trainer.Model.Ema.UpdateCount);
        Assert.Equal(5e-5, trainer.LearningRate, 12);
        var states = trainer.Optimizer.state_dict().State.Cast<AdamW.State>().ToList();
        Assert.All(states, s => Assert.Equal(1, s.step));
        Assert.Contains(states, s => s.exp_avg.abs().sum().item<float>() > 0 && s.exp_avg_sq.abs().sum().item<float>() > 0);
        var result = trainer.Run();
        Assert.Equal(3, result.Iterations);
        Assert.All(trainer.Optimizer.state_dict().State.Cast<AdamW.State>(), s => Assert.Equal(3, s.step));
    }

    [Fact]
    public void Init_from_takes_the_weights_of_any_checkpoint_with_a_fresh_optimiser()
    {
        using var reference = ReferenceCheckpoint.Read(Reference);
        string ownCheckpoint;
        using (var fromPt = Trainer.CreateBuilder().Options(Options("from-pt") with { InitFrom = Reference }).Build())
        {
            Assert.Equal(0, fromPt.Iteration);
            Assert.All(fromPt.Optimizer.state_dict().State.Cast<AdamW.State>(), s => Assert.Equal(0, s.step));
            var (name, weight) = fromPt.Model.Network.state_dict().First(kv => kv.Value.dim() == 4);
            var given = reference.Network.Single(kv => kv.Key.EndsWith(name, StringComparison.Ordinal)).Value;
            Assert.True(weight.equal(given).all().item<bool>(), $"{name} was not taken from the checkpoint");
            fromPt.Run();
            ownCheckpoint = fromPt.SaveCheckpoint();
        }
        using (var fromCkpt = Trainer.CreateBuilder().Options(Options("from-ckpt") with { InitFrom = ownCheckpoint }).Build())
        {
            using var saved = BridgeModel.Load(ownCheckpoint, CPU);
            var mine = fromCkpt.Model.Network.state_dict();
            Assert.All(saved.Network.state_dict(), kv => Assert.True(kv.Value.equal(mine[kv.Key]).all().item<bool>(), kv.Key));
            Assert.Equal(0, fromCkpt.Iteration);
        }
        var other = Options("other").Spec(x => x with { Network = TinyOpenFwi.TinyNet }) with { InitFrom = ownCheckpoint };
        var conflict = Assert.Throws<RunConflictException>(() => Trainer.CreateBuilder().Options(other).Build());
        Assert.Contains(ownCheckpoint, conflict.Message);
        var both = Options("both") with { InitFrom = Reference, ResumeFrom = Reference };
        Assert.Contains("InitFrom", Assert.Throws<ArgumentException>(() => Trainer.CreateBuilder().Options(both).Build()).Message);
    }
}

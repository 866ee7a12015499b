using Seismic.Diffusion.Runtime;
using Seismic.Models;
using static TorchSharp.torch;

namespace Seismic.Training.Tests;

/// <summary>Training in bfloat16 with float32 master weights (docs/training.md, "Precision").</summary>
[Collection("torch")]
public sealed class PrecisionTrainingTests : IDisposable
{
    private readonly TinyOpenFwi _data = new();

    public void Dispose() => _data.Dispose();

    private TrainingOptions Options(string name, Precision precision) => _data.Options(name)
        .Optimization(x => x with { NumIterations = 4 })
        .Schedule(x => x with { SaveEvery = 1000, ValBatches = 1 }) with { Precision = precision };

    [Fact]
    public void Bf16_training_follows_fp32_training_and_keeps_float32_weights_optimiser_and_checkpoints()
    {
        using var fp32 = Trainer.CreateBuilder().Options(Options("fp32", Precision.Fp32)).Build();
        var bf16 = Trainer.CreateBuilder().Options(Options("bf16", Precision.Bf16)).Build();
        Assert.Equal(Precision.Bf16, bf16.Model.ComputePrecision.Precision);
        Assert.NotNull(bf16.Model.LowPrecision);
        var a = fp32.Run();
        var b = bf16.Run();

        // Same draws, same start: the losses differ only by bfloat16 rounding (measured: under 1 %), not by 10s of percent.
        for (int i = 0; i < a.Losses.Count; i++)
            Assert.True(Math.Abs(a.Losses[i] - b.Losses[i]) <= 0.03 * a.Losses[i], $"iteration {i + 1}: fp32 loss {a.Losses[i]:F5}, bf16 {b.Losses[i]:F5}");
        Assert.NotEqual(a.Losses, b.Losses); // bfloat16 did compute
        Assert.All(bf16.Model.Network.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.NotNull(b.LastValidation);
        Assert.InRange(b.LastValidation!.Prediction.Mae, 0.5 * a.LastValidation!.Prediction.Mae, 2 * a.LastValidation.Prediction.Mae);

        var trained = bf16.Model.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        bf16.Dispose(); // releases the run folder

        // The bf16 run's checkpoint resumes in float32 (and would in bf16): checkpoints do not depend on the precision.
        var resume = (Options("bf16", Precision.Fp32) with { ResumeFrom = b.CheckpointPath }).Optimization(x => x with { NumIterations = 5 });
        using var resumed = Trainer.CreateBuilder().Options(resume).Build();
        Assert.Equal(4, resumed.Iteration);
        Assert.Null(resumed.Model.LowPrecision);
        var mine = resumed.Model.Network.state_dict();
        foreach (var (name, p) in trained)
            Assert.True(p.equal(mine[name]).all().item<bool>(), $"{name} was not restored bit for bit");
        Assert.Equal(5, resumed.Run().Iterations);
    }

    [Fact]
    public void Fp16_without_cuda_fails_at_build_time_naming_the_precision()
    {
        var e = Assert.Throws<ArgumentException>(() => Trainer.CreateBuilder().Options(Options("fp16", Precision.Fp16)).Build());
        Assert.Contains("fp16", e.Message);
        Assert.Contains("CUDA", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_data.Directory, "results", "fp16")), "the run folder was created before the check");
    }

    [Fact]
    public void The_loss_scale_halves_on_overflow_and_doubles_after_a_run_of_good_updates()
    {
        var scale = new LossScale();
        Assert.Equal(65536, scale.Scale);
        Assert.False(scale.Update(gradientsFinite: false));
        Assert.Equal(32768, scale.Scale);
        for (int i = 0; i < LossScale.GrowthInterval - 1; i++) Assert.True(scale.Update(true));
        Assert.Equal(32768, scale.Scale);
        Assert.True(scale.Update(true));
        Assert.Equal(65536, scale.Scale);
    }
}

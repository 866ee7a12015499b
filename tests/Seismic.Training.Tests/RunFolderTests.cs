using Seismic.Models.Checkpoints;
using Seismic.Models;
using Seismic.Data.IO;

namespace Seismic.Training.Tests;

/// <summary>
/// One writer per run folder, no silent replacement of a run, resumes that contradict the checkpoint rejected,
/// graceful cancellation, and true divergence diagnoses (issue 10, problems 3, 4, 5, 7 and 8).
/// </summary>
[Collection("torch")]
public sealed class RunFolderTests : IDisposable
{
    private readonly TinyOpenFwi _data = new(train: 4, val: 2);

    public void Dispose() => _data.Dispose();

    private static Trainer Build(TrainingOptions o) => Trainer.CreateBuilder().Options(o).Build();

    private TrainingOptions Quick(string name = "run")
    {
        var o = _data.Options(name);
        o = o.Optimization(x => x with { NumIterations = 2 });
        o = o.Schedule(x => x with { SaveEvery = 1000 });
        o = o.Schedule(x => x with { ValBatches = 0 });
        return o;
    }

    [Fact]
    public void A_second_trainer_on_the_same_run_folder_fails_while_the_first_holds_it()
    {
        using var first = Build(Quick());
        var o = Quick();
        o = o with { Overwrite = true };
        var e = Assert.Throws<RunConflictException>(() => Build(o));
        Assert.Contains($"in use by process {Environment.ProcessId}", e.Message);
        first.Dispose();
        using var second = Build(o); // released on dispose
    }

    [Fact]
    public void A_lock_left_by_a_dead_process_is_recovered()
    {
        var o = Quick();
        Directory.CreateDirectory(o.RunDir);
        File.WriteAllText(Path.Combine(o.RunDir, RunLock.FileName), $"pid {int.MaxValue - 1}\nstarted 1\nhost x\n");
        using var trainer = Build(o);
        Assert.Contains($"pid {Environment.ProcessId}", File.ReadAllText(Path.Combine(o.RunDir, RunLock.FileName)));
        trainer.Dispose();
        Assert.False(File.Exists(Path.Combine(o.RunDir, RunLock.FileName)));
    }

    [Fact]
    public void An_existing_run_is_not_replaced_unless_resumed_or_overwritten()
    {
        using (var t = Build(Quick())) t.Run();
        var checkpoint = Path.Combine(Quick().RunDir, Trainer.CheckpointFileName);
        var before = File.ReadAllBytes(checkpoint);

        var e = Assert.Throws<RunConflictException>(() => Build(Quick()));
        Assert.Contains("already holds a run", e.Message);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));

        var overwrite = Quick();
        overwrite = overwrite with { Overwrite = true };
        using (var t = Build(overwrite)) Assert.Equal(0, t.Iteration);
        var resume = Quick();
        resume = resume with { ResumeFrom = checkpoint };
        using (var t = Build(resume)) Assert.Equal(2, t.Iteration);
    }

    [Fact]
    public void Resuming_with_contradicting_options_lists_every_difference()
    {
        using (var t = Build(Quick())) t.Run();
        var o = Quick();
        o = o with { ResumeFrom = Path.Combine(o.RunDir, Trainer.CheckpointFileName) };
        o = o.Spec(x => x with { ImageSize = 24 });
        o = o.Bridge(x => x with { Interval = 200 });
        o = o with { Seed = 5 };
        o = o.Optimization(x => x with { LearningRate = 1e-4 }); // may change on resume
        var e = Assert.Throws<RunConflictException>(() => Build(o));
        Assert.Contains("ImageSize 16 in the checkpoint, 24 now", e.Message);
        Assert.Contains("Interval 100 in the checkpoint, 200 now", e.Message);
        Assert.Contains("Seed 0 in the checkpoint, 5 now", e.Message);
        Assert.DoesNotContain("LearningRate", e.Message);
        Assert.False(File.Exists(Path.Combine(o.RunDir, RunLock.FileName))); // a failed build releases the lock
    }

    [Fact]
    public void Stale_checkpoint_temporaries_of_dead_writers_are_removed_at_the_next_start()
    {
        var o = Quick();
        Directory.CreateDirectory(o.RunDir);
        var latest = Path.Combine(o.RunDir, Trainer.CheckpointFileName);
        var dead = $"{latest}.tmp-{int.MaxValue - 1}-{Guid.NewGuid():N}";
        File.WriteAllText(dead, "half a checkpoint");
        using var trainer = Build(o);
        Assert.False(File.Exists(dead));
        Assert.Equal(Path.GetFileName(AtomicFile.TempPathFor(latest))[..^32], $"{Trainer.CheckpointFileName}.tmp-{Environment.ProcessId}-");
    }

    [Fact]
    public void Cancellation_finishes_the_iteration_writes_the_checkpoint_and_skips_validation()
    {
        var o = Quick();
        o = o.Optimization(x => x with { NumIterations = 1000 });
        o = o.Schedule(x => x with { ValBatches = 1 });
        o = o.Schedule(x => x with { ValidateEvery = 1000 });
        using var cts = new CancellationTokenSource();
        using var trainer = Build(o);
        int validations = 0;
        trainer.Validated += _ => validations++;
        trainer.IterationCompleted += p => { if (p.Iteration == 3) cts.Cancel(); };
        var result = trainer.Run(cts.Token);
        Assert.Equal(TrainingStopReason.Cancelled, result.StopReason);
        Assert.Equal(3, result.Iterations);
        Assert.Equal(0, validations);
        Assert.Equal(trainer.CheckpointPath, result.CheckpointPath);
        using var model = BridgeModel.Load(trainer.CheckpointPath, TorchSharp.torch.CPU);
    }

    [Fact]
    public void A_first_loss_that_is_not_finite_points_at_the_data_and_names_no_missing_checkpoint()
    {
        using var trainer = Build(Quick());
        using (TorchSharp.torch.no_grad()) trainer.Model.Network.parameters().First().fill_(float.NaN);
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Run());
        Assert.Contains("No checkpoint was written yet", e.Message);
        Assert.Contains("check the data", e.Message);
        Assert.DoesNotContain("latest.ckpt", e.Message);
    }

    [Theory]
    [InlineData("Schedule.ValGuidance")]
    [InlineData("Schedule.TimeLimit")]
    [InlineData("Model.Bridge.T")]
    [InlineData("Optimization.Microbatch")]
    [InlineData("Model.ImageSize")]
    public void Values_that_used_to_be_accepted_are_rejected_by_name(string name)
    {
        var o = Quick();
        o = name switch
        {
            "Schedule.ValGuidance" => o.Schedule(x => x with { ValGuidance = double.NaN }),
            "Schedule.TimeLimit" => o.Schedule(x => x with { TimeLimit = TimeSpan.FromMinutes(-5) }),
            "Model.Bridge.T" => o.Bridge(x => x with { T = double.PositiveInfinity }),
            "Optimization.Microbatch" => o.Optimization(x => x with { BatchSize = 1 << 30, Microbatch = 1 << 30 }),
            _ => o.Spec(x => x with { ImageSize = 100_000 }),
        };
        var e = Assert.Throws<ArgumentException>(o.Validate);
        Assert.StartsWith(name, e.Message);
        Assert.Equal(name, e.ParamName);
        if (name is "Optimization.Microbatch" or "Model.ImageSize") Assert.Contains("GiB", e.Message);
    }

    [Fact]
    public void A_build_that_fails_after_opening_closes_what_it_opened()
    {
        // 8 training samples cannot fill a microbatch of 16: found after the lock is taken and the datasets are opened.
        var tooBig = Quick().Optimization(x => x with { BatchSize = 16, Microbatch = 16 });
        var e = Assert.Throws<ArgumentException>(() => Build(tooBig));
        Assert.Equal("Optimization.Microbatch", e.ParamName);
        Assert.Contains("samples of the training split", e.Message);
        Assert.False(File.Exists(Path.Combine(tooBig.RunDir, ".lock")), "the run lock was left behind");
        using var trainer = Build(Quick()); // the same run folder and caches open again
        Assert.Equal(0, trainer.Iteration);
    }
}

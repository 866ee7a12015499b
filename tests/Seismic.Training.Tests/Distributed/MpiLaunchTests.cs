using System.Diagnostics;
using Seismic.Tests;
using Seismic.Training.Distributed;

namespace Seismic.Training.Tests.Distributed;

/// <summary>The test host (tests/Seismic.Distributed.TestHost), built beside this test assembly's configuration.</summary>
internal static class TestHost
{
    public static string Dll()
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var config = tfm.Parent!;
        var tests = config.Parent!.Parent!.Parent!;
        var dll = Path.Combine(tests.FullName, "Seismic.Distributed.TestHost", "bin", config.Name, tfm.Name, "Seismic.Distributed.TestHost.dll");
        Assert.True(File.Exists(dll), $"test host not built: {dll}");
        return dll;
    }

    public static (int ExitCode, string Output, TimeSpan Elapsed) Run(TimeSpan timeout, params string[] args) =>
        MpiLaunch.Run(timeout, 2, Dll(), args);
}

[Collection("torch")]
public sealed class MpiLaunchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    private static void Succeeds(string scenario)
    {
        var (code, output, _) = TestHost.Run(Timeout, scenario);
        Assert.True(code == 0, $"exit {code}:\n{output}");
        Assert.Contains($"{scenario} OK rank 0/2 (mpi (Open MPI)", output);
        Assert.Contains($"{scenario} OK rank 1/2", output);
    }

    [MpiFact]
    public void All_reduce_sums_over_two_ranks() => Succeeds("allreduce");

    [MpiFact]
    public void Broadcast_copies_every_root_to_every_rank() => Succeeds("broadcast");

    [MpiFact]
    public void Reducer_step_on_two_ranks_equals_one_process_on_the_whole_batch() => Succeeds("reducer");

    /// <summary>
    /// Open MPI's mpirun ends the whole job when a rank exits without MPI_Finalize (here in about 2 s, the survivor being
    /// blocked in an all-reduce): with a non-zero code it reports that code; with code 0 it reports "exiting improperly"
    /// and exits 1. The surviving rank never reaches its own 120 s timeout.
    /// </summary>
    [MpiFact]
    public void When_a_rank_dies_mpirun_stops_the_others_with_a_clear_error()
    {
        var (code, output, elapsed) = TestHost.Run(Timeout, "die", "3");
        Assert.Equal(3, code);
        Assert.Contains("rank 1: exiting abruptly", output);
        Assert.Contains("exited with non-zero status", output);
        Assert.DoesNotContain("die OK", output);
        Assert.DoesNotContain("was not stopped", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed}");

        (code, output, elapsed) = TestHost.Run(Timeout, "die", "0");
        Assert.NotEqual(0, code);
        Assert.Contains("exiting improperly", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed}");
    }

    /// <summary>An exception on rank 1 while rank 0 waits in an all-reduce: RunOrAbort prints rank 1's line and aborts the job.</summary>
    [MpiFact]
    public void An_exception_on_one_rank_ends_the_job_with_that_rank_s_message()
    {
        var (code, output, elapsed) = TestHost.Run(Timeout, "fail");
        Assert.True(code == 1, $"exit {code}:\n{output}");
        Assert.Contains("error: rank 1 of 2: InvalidDataException: injected failure on rank 1", output);
        Assert.DoesNotContain("left the all-reduce", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed}");
    }

    /// <summary>Rank 1 hangs outside any collective: rank 0's watchdog (3 s here) names the collective and aborts with 124.</summary>
    [MpiFact]
    public void A_collective_that_waits_past_the_timeout_aborts_the_job()
    {
        var (code, output, elapsed) = TestHost.Run(Timeout, "timeout");
        Assert.True(code == MpiProcessGroup.TimeoutExitCode, $"exit {code}:\n{output}");
        Assert.Contains("error: rank 0 of 2: MPI_Barrier has waited", output);
        Assert.Contains("collective timeout (3 s)", output);
        Assert.DoesNotContain("passed the barrier", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed}");
    }

    /// <summary>A trainer whose rank 1 fails after iteration 2 while rank 0 goes on into the next step's collectives.</summary>
    [MpiFact]
    public void A_failure_on_one_rank_during_training_ends_the_job()
    {
        using var data = new TinyOpenFwi(train: 8, val: 2);
        var (code, output, elapsed) = TestHost.Run(Timeout, "train-fail", data.Directory, Path.Combine(data.Directory, "results"));
        Assert.True(code == 1, $"exit {code}:\n{output}");
        Assert.Contains("error: rank 1 of 2: InvalidOperationException: injected failure on rank 1 after iteration 2", output);
        Assert.DoesNotContain("finished 1000 iterations", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(90), $"took {elapsed}");
    }

    /// <summary>The same iteration with --grad-reduce sum and mean on 2 ranks: the mean's gradients are half the sum's.</summary>
    [MpiFact]
    public void Mean_reduction_divides_the_summed_gradients_by_the_number_of_ranks()
    {
        using var data = new TinyOpenFwi(train: 8, val: 2);
        var (code, output, _) = TestHost.Run(Timeout, "grad-reduce", data.Directory, Path.Combine(data.Directory, "results"));
        Assert.True(code == 0, $"exit {code}:\n{output}");
        Assert.Contains("grad-reduce: mean = sum / 2", output);
        Assert.Contains("grad-reduce OK rank 1/2", output);
    }
}

using System.Diagnostics;
using Seismic.Tests;

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
}

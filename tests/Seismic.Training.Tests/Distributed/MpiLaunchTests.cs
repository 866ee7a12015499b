using System.Diagnostics;

namespace Seismic.Training.Tests.Distributed;

/// <summary>A test that needs Open MPI's <c>mpirun</c>; skipped, with the reason, where it is absent (CI installs it).</summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (MpiLaunch.MpiRun is null)
            Skip = "mpirun is not on PATH: install Open MPI (apt-get install openmpi-bin, or ./build.sh mpi-setup) to run the 2-rank tests";
    }
}

/// <summary>Runs the test host (tests/Seismic.Distributed.TestHost) as a real 2-rank MPI job.</summary>
internal static class MpiLaunch
{
    public static string? MpiRun { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, "mpirun")).FirstOrDefault(File.Exists);

    /// <summary>The host's dll, built beside this test assembly's configuration (bin/&lt;config&gt;/&lt;tfm&gt;).</summary>
    private static string HostDll()
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var config = tfm.Parent!;
        var tests = config.Parent!.Parent!.Parent!;
        var dll = Path.Combine(tests.FullName, "Seismic.Distributed.TestHost", "bin", config.Name, tfm.Name, "Seismic.Distributed.TestHost.dll");
        Assert.True(File.Exists(dll), $"test host not built: {dll}");
        return dll;
    }

    /// <summary>Runs <c>mpirun -np 2 dotnet host.dll args</c>; kills the whole process tree after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output, TimeSpan Elapsed) Run(TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(MpiRun!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["--allow-run-as-root", "--oversubscribe", "-np", "2", "dotnet", HostDll(), .. args]) info.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"mpirun {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s:\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit(); // drains the output
        return (process.ExitCode, stdout.Result + stderr.Result, sw.Elapsed);
    }
}

[Collection("torch")]
public sealed class MpiLaunchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    private static void Succeeds(string scenario)
    {
        var (code, output, _) = MpiLaunch.Run(Timeout, scenario);
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
        var (code, output, elapsed) = MpiLaunch.Run(Timeout, "die", "3");
        Assert.Equal(3, code);
        Assert.Contains("rank 1: exiting abruptly", output);
        Assert.Contains("exited with non-zero status", output);
        Assert.DoesNotContain("die OK", output);
        Assert.DoesNotContain("was not stopped", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed}");

        (code, output, elapsed) = MpiLaunch.Run(Timeout, "die", "0");
        Assert.NotEqual(0, code);
        Assert.Contains("exiting improperly", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed}");
    }
}

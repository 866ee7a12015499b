using System.Diagnostics;

namespace Seismic.Tests;

/// <summary>A test that needs Open MPI's <c>mpirun</c>; skipped, with the reason, where it is absent (CI installs it).</summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (MpiLaunch.MpiRun is null)
            Skip = "mpirun is not on PATH: install Open MPI (apt-get install openmpi-bin, or ./build.sh mpi-setup) to run the 2-rank tests";
    }
}

/// <summary>A theory that needs Open MPI's <c>mpirun</c>; skipped, with the reason, where it is absent.</summary>
public sealed class MpiTheoryAttribute : TheoryAttribute
{
    public MpiTheoryAttribute()
    {
        if (MpiLaunch.MpiRun is null)
            Skip = "mpirun is not on PATH: install Open MPI (apt-get install openmpi-bin, or ./build.sh mpi-setup) to run the 2-rank tests";
    }
}

/// <summary>Starts real MPI jobs (<c>mpirun -np N dotnet program.dll ...</c>) with a timeout that can never hang a test run.</summary>
internal static class MpiLaunch
{
    public static string? MpiRun { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, "mpirun")).FirstOrDefault(File.Exists);

    /// <summary>Starts <c>mpirun -np <paramref name="ranks"/> dotnet <paramref name="dll"/> args</c> (as root too, oversubscribing the cores).</summary>
    public static Process Start(int ranks, string dll, params string[] args) => Start(ranks, dll, [], args);

    /// <summary><see cref="Start(int, string, string[])"/> with extra environment variables for mpirun (e.g. <c>OMPI_MCA_*</c> settings).</summary>
    public static Process Start(int ranks, string dll, IEnumerable<(string Name, string Value)> environment, string[] args)
    {
        var info = new ProcessStartInfo(MpiRun ?? throw new InvalidOperationException("mpirun is not on PATH"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment) info.Environment[name] = value;
        foreach (var a in (string[])["--allow-run-as-root", "--oversubscribe", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "dotnet", dll, .. args])
            info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    /// <summary>Runs an MPI job to its end; kills the whole process tree and fails the test after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output, TimeSpan Elapsed) Run(TimeSpan timeout, int ranks, string dll, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        using var process = Start(ranks, dll, args);
        var (code, output) = Finish(process, timeout, string.Join(' ', args));
        return (code, output, clock.Elapsed);
    }

    /// <summary>Waits for a started job; kills the whole process tree and fails the test after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output) Finish(Process process, TimeSpan timeout, string what)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"mpirun {what} did not finish within {timeout.TotalSeconds} s:\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit(); // drains the output
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>The PID of rank <paramref name="rank"/> of the job whose command line contains <paramref name="marker"/> (Linux /proc), or null.</summary>
    public static int? RankPid(int rank, string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (!cmdline.Contains(marker, StringComparison.Ordinal) || cmdline.Contains("mpirun", StringComparison.Ordinal)) continue;
                var environ = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                if (environ.Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a process that ended meanwhile, or one we may not read
            }
        }
        return null;
    }
}

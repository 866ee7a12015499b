using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Seismic.Benchmarks;

/// <summary>
/// For the slow TorchSharp benchmarks (a call takes 0.05-5 s on 2 cores): BenchmarkDotNet's short run (3 warm-ups,
/// 3 iterations) in-process, so TorchSharp's native libraries resolve for this process. When the command line names a
/// job (<c>--job Dry --inProcess</c> for the CI smoke run), this adds nothing and that job alone runs.
/// </summary>
public sealed class TorchBenchmarkConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public TorchBenchmarkConfig()
    {
        var args = Environment.GetCommandLineArgs();
        bool jobGiven = args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal));
        if (!jobGiven) AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }
}

using BenchmarkDotNet.Running;
using Seismic.Benchmarks.SideBySide;

// Run all: dotnet run -c Release --project benchmarks/Seismic.Benchmarks -- --filter '*'
// CI smoke: ./build.sh bench-smoke  (--job Dry --inProcess)
// Side-by-side and overhead programs (not BenchmarkDotNet): see docs/benchmarks.md.
return args.FirstOrDefault() switch
{
    "sidebyside-unet" => UNetWorker.Run(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}

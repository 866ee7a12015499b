using BenchmarkDotNet.Running;
using Seismic.Benchmarks.Programs;
using Seismic.Diffusion.Runtime;

// Run all: dotnet run -c Release --project benchmarks/Seismic.Benchmarks -- --filter '*'
// CI smoke: ./build.sh bench-smoke  (--job Dry --inProcess)
// Side-by-side and overhead programs (not BenchmarkDotNet): see docs/benchmarks.md.
// libtorch's kernel switches as the CLI sets them (the libraries never change them).
TorchRuntime.ConfigureKernels(KernelSettings.FromEnvironment());
return args.FirstOrDefault() switch
{
    "sidebyside-unet" => UNetWorker.Run(args[1..]),
    "sampling-overhead" => SamplingOverhead.Run(args[1..]),
    "loader-vs-step" => LoaderVsStep.Run(args[1..]),
    "training-rss" => TrainingRss.Run(args[1..]),
    "onednn-check" => OneDnnCheck.Run(args[1..]),
    "precision-step" => PrecisionStep.Run(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}

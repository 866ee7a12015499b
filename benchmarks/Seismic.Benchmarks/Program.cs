using BenchmarkDotNet.Running;

// Run all: dotnet run -c Release --project benchmarks/Seismic.Benchmarks -- --filter '*'
// CI smoke: ./build.sh bench-smoke  (--job Dry --inProcess)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

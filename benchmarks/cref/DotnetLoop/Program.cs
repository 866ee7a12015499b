using System.Diagnostics;
using System.Runtime.InteropServices;
using Seismic.Physics.Acquisition;
using Seismic.Physics.Propagation;

// Usage: dotnet DotnetLoop.dll [repeats] [threads]   (libstencil.so from stencil.c must sit next to the dll)
// Interleaves, in one process, the plain C loop (P/Invoke) and the .NET propagator on the same model, so that load from
// other processes hits both alike; reports the best of `repeats` rounds for each.
int repeats = args.Length > 0 ? int.Parse(args[0]) : 5;
int threads = args.Length > 1 ? int.Parse(args[1]) : 2;
var acq = AcquisitionOptions.OpenFwi;
var v = new float[70 * 70];
for (int z = 0; z < 70; z++)
    for (int x = 0; x < 70; x++) v[z * 70 + x] = (float)(1500 + 3000.0 * z / 69); // the model of stencil.c

const int n = 310;
double points = (double)n * n * acq.TimeSamples * acq.ShotCount;
var full = new AcousticPropagator(acq, 1) { SkipUnreachedCells = false };
var skip = new AcousticPropagator(acq, 1);
int batch = 4 * threads;
var many = new float[batch * v.Length];
for (int i = 0; i < batch; i++) v.CopyTo(many, i * v.Length);
var par = new AcousticPropagator(acq, threads);

var recC = new float[acq.SeismicSize];
float[] recFull = full.Forward(v), recSkip = skip.Forward(v); // warm-up (JIT)
Native.run_sample(recC);
double bestC = double.MaxValue, bestFull = double.MaxValue, bestSkip = double.MaxValue, bestBatch = double.MaxValue, bestOne = double.MaxValue;
for (int r = 0; r < repeats; r++)
{
    bestC = Math.Min(bestC, Native.run_sample(recC));
    bestFull = Math.Min(bestFull, Time(() => recFull = full.Forward(v)));
    bestSkip = Math.Min(bestSkip, Time(() => recSkip = skip.Forward(v)));
    bestBatch = Math.Min(bestBatch, Time(() => par.Forward(many, batch)) / batch);
    bestOne = Math.Min(bestOne, Time(() => par.Forward(v)));
}
double maxDiff = 0, peak = 0;
for (int i = 0; i < recC.Length; i++) { maxDiff = Math.Max(maxDiff, Math.Abs(recC[i] - recFull[i])); peak = Math.Max(peak, Math.Abs(recC[i])); }
Console.WriteLine($"C    (gcc -O3 -march=native -ffast-math, full {n}x{n} grid, 1 thread): {bestC:0.000} s/sample, {points / bestC:0.000e+00} point-updates/s/core");
Console.WriteLine($".NET (same work, full grid, 1 thread, Vector512={System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}): {bestFull:0.000} s/sample, {points / bestFull:0.000e+00} point-updates/s/core; max |C - .NET| = {maxDiff / peak:0.0e+00} of peak");
Console.WriteLine($"ratio .NET/C point-updates per second per core: {bestC / bestFull:0.00}");
Console.WriteLine($".NET default (exact cone skipping), 1 thread: {bestSkip:0.000} s/sample (bitwise equal to full grid: {recSkip.AsSpan().SequenceEqual(recFull)})");
Console.WriteLine($".NET throughput, batch of {batch} samples on {threads} threads: {bestBatch:0.000} s/sample");
Console.WriteLine($".NET single sample on {threads} threads (5 shots over the threads): {bestOne:0.000} s");

static double Time(Action run)
{
    var sw = Stopwatch.StartNew();
    run();
    return sw.Elapsed.TotalSeconds;
}

internal static partial class Native
{
    [LibraryImport("stencil")]
    internal static partial double run_sample(float[] rec);
}

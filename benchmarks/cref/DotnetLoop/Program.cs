using System.Diagnostics;
using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;
using Seismic.Physics.Acquisition;
using Seismic.Physics.Families;
using Seismic.Physics.Propagation;

// The .NET side of benchmarks/cref/compare.sh, in its own process (nothing else changes its floating-point mode):
//   dotnet DotnetLoop.dll models OUT.npy               writes 6 FlatVel_A, 6 CurveFault_A and 6 Style_A models, (18,1,70,70)
//   dotnet DotnetLoop.dll run THREADS [c-record.bin]   one round of timings, one "key seconds" line each
// "run" warms up (JIT) first, then times: the full 310 x 310 grid on stencil.c's gradient model on 1 thread (the same
// work as the C loop; compared with the C loop's record if given), one sample with the default propagator on 1 thread,
// and the 18 family models through AcousticPropagator.Forward on 1 and on THREADS threads.
var acq = AcquisitionOptions.OpenFwi;
if (args is ["models", var path])
{
    NpyWriter.Write(path, FamilyModels(), [18, 1, 70, 70]);
    return 0;
}
if (args is not ["run", var threadArg, ..])
{
    Console.Error.WriteLine("usage: DotnetLoop models OUT.npy | DotnetLoop run THREADS [c-record.bin]");
    return 2;
}
int threads = int.Parse(threadArg);
var gradient = new float[70 * 70];
for (int z = 0; z < 70; z++)
    for (int x = 0; x < 70; x++) gradient[z * 70 + x] = (float)(1500 + 3000.0 * z / 69); // the model of stencil.c
var families = FamilyModels();
var full = new AcousticPropagator(acq, 1) { SkipUnreachedCells = false };
var one = new AcousticPropagator(acq, 1);
var par = new AcousticPropagator(acq, threads);
one.Forward(gradient); // warm-up (JIT, tiering)
full.Forward(gradient);

float[] rec = [];
Report("dotnet-fullgrid-1t", Time(() => rec = full.Forward(gradient)));
Report("dotnet-default-1t", Time(() => one.Forward(gradient)));
Report("dotnet-families-1t", Time(() => one.Forward(families, 18)) / 18);
Report($"dotnet-families-{threads}t", Time(() => par.Forward(families, 18)) / 18);
if (args.Length > 2)
{
    var c = new float[rec.Length];
    using (var f = File.OpenRead(args[2])) f.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(c.AsSpan()));
    double maxDiff = 0, peak = 0;
    for (int i = 0; i < c.Length; i++) { maxDiff = Math.Max(maxDiff, Math.Abs(c[i] - rec[i])); peak = Math.Max(peak, Math.Abs(c[i])); }
    Console.WriteLine($"max|C-.NET|/peak {maxDiff / peak:0.0e+00}");
}
return 0;

static float[] FamilyModels()
{
    var v = new float[18 * 4900];
    VelocityFamily[] kinds = [VelocityFamily.FlatVelA, VelocityFamily.CurveFaultA, VelocityFamily.StyleA];
    for (int k = 0; k < 3; k++)
    {
        var gen = new VelocityModelGenerator(kinds[k]);
        for (int i = 0; i < 6; i++) gen.Generate(0, (ulong)i, v.AsSpan((k * 6 + i) * 4900, 4900));
    }
    return v;
}

static void Report(string key, double seconds) => Console.WriteLine($"{key} {seconds:0.0000}");

static double Time(Action run)
{
    var sw = Stopwatch.StartNew();
    run();
    return sw.Elapsed.TotalSeconds;
}

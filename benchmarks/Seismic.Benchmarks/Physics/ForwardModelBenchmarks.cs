using BenchmarkDotNet.Attributes;
using Seismic.Data.OpenFwi;
using Seismic.Physics.Families;
using Seismic.Physics.Propagation;

namespace Seismic.Benchmarks.Physics;

/// <summary>
/// What users run: <see cref="AcousticPropagator.Forward(ReadOnlyMemory{float}, int, CancellationToken)"/> on OpenFWI
/// samples (5 shots x 1000 steps on the 310 x 310 padded grid) of three families, whose wavefields decay differently (flat
/// layers, faults, smooth style-transfer models), on 1 and 2 threads: one sample (shots spread over the threads) and a
/// batch of 4 (parallel over samples; the time is per sample). The C loop comparison, each side in its own process:
/// benchmarks/cref/compare.sh.
/// Run: dotnet run -c Release --project benchmarks/Seismic.Benchmarks -- --filter '*ForwardModel*'
/// </summary>
[MemoryDiagnoser]
public class ForwardModelBenchmarks
{
    private float[] _one = [];
    private float[] _batch = [];
    private AcousticPropagator _propagator = null!;

    /// <summary>The velocity family the models are drawn from.</summary>
    [Params(VelocityFamily.FlatVelA, VelocityFamily.CurveFaultA, VelocityFamily.StyleA)]
    public VelocityFamily Family { get; set; }

    /// <summary>The propagator's maximum degree of parallelism.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Draws the models (seed 0, indices 0-3) and creates the propagator.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var gen = new VelocityModelGenerator(Family);
        int size = gen.Depth * gen.Width;
        _batch = new float[4 * size];
        for (int i = 0; i < 4; i++) gen.Generate(0, (ulong)i, _batch.AsSpan(i * size, size));
        _one = _batch[..size];
        _propagator = new AcousticPropagator(null, Threads);
    }

    /// <summary>One sample, its shots spread over the threads.</summary>
    [Benchmark]
    public float[] OneSample() => _propagator.Forward(_one);

    /// <summary>Four samples, parallel over samples (reported per sample).</summary>
    [Benchmark(OperationsPerInvoke = 4)]
    public float[] BatchOfFour() => _propagator.Forward(_batch, 4);
}

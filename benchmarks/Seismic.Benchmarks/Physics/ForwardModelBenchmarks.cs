using BenchmarkDotNet.Attributes;
using Seismic.Physics.Families;
using Seismic.Physics.Propagation;

namespace Seismic.Benchmarks.Physics;

/// <summary>
/// One OpenFWI sample (5 shots x 1000 steps on the 310 x 310 padded grid), on 1 and 2 threads, plus a 4-sample batch on 2
/// threads (throughput: parallel over samples). Kernel-versus-C comparison: benchmarks/cref/compare.sh.
/// Run: dotnet run -c Release --project benchmarks/Seismic.Benchmarks -- --filter '*ForwardModel*'
/// </summary>
[MemoryDiagnoser]
public class ForwardModelBenchmarks
{
    private float[] _one = [];
    private float[] _batch = [];
    private AcousticPropagator _single = null!;
    private AcousticPropagator _two = null!;

    [GlobalSetup]
    public void Setup()
    {
        var gen = new VelocityModelGenerator(VelocityFamily.CurveVelA);
        _one = gen.Generate(0, 0);
        _batch = new float[4 * 4900];
        for (int i = 0; i < 4; i++) gen.Generate(0, (ulong)i, _batch.AsSpan(i * 4900, 4900));
        _single = new AcousticPropagator(null, 1);
        _two = new AcousticPropagator(null, 2);
    }

    /// <summary>One sample, one thread.</summary>
    [Benchmark(Baseline = true)]
    public float[] OneSampleOneThread() => _single.Forward(_one);

    /// <summary>One sample, shots spread over two threads.</summary>
    [Benchmark]
    public float[] OneSampleTwoThreads() => _two.Forward(_one);

    /// <summary>Four samples on two threads (divide by 4 for seconds per sample).</summary>
    [Benchmark(OperationsPerInvoke = 4)]
    public float[] BatchOfFourTwoThreads() => _two.Forward(_batch, 4);
}

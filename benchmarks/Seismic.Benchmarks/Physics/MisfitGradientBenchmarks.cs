using BenchmarkDotNet.Attributes;
using Seismic.Data.OpenFwi;
using Seismic.Physics.Families;
using Seismic.Physics.Inversion;
using Seismic.Physics.Propagation;

namespace Seismic.Benchmarks.Physics;

/// <summary>
/// What a refinement iteration costs: the seismogram misfit and its adjoint-state gradient
/// (<see cref="MisfitGradient.Evaluate(ReadOnlyMemory{float}, ReadOnlyMemory{float}, Span{double}, double?, CancellationToken)"/>)
/// of one OpenFWI sample (5 shots x 1000 steps) against one forward run of it on the same threads, for three families;
/// the goal is at most 3x the forward. The start is the truth blurred, as a prediction would be.
/// Run: dotnet run -c Release --project benchmarks/Seismic.Benchmarks -- --filter '*MisfitGradient*'
/// </summary>
[MemoryDiagnoser]
public class MisfitGradientBenchmarks
{
    private float[] _start = [];
    private float[] _observed = [];
    private double[] _gradient = [];
    private AcousticPropagator _propagator = null!;
    private MisfitGradient _misfitGradient = null!;

    /// <summary>The velocity family the model is drawn from.</summary>
    [Params(VelocityFamily.FlatVelA, VelocityFamily.CurveFaultA, VelocityFamily.StyleA)]
    public VelocityFamily Family { get; set; }

    /// <summary>Threads, the same for both.</summary>
    [Params(2)]
    public int Threads { get; set; }

    /// <summary>Draws the model (seed 0, index 0), its data and a blurred start.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var truth = new VelocityModelGenerator(Family).Generate(0, 0);
        _propagator = new AcousticPropagator(null, Threads);
        _misfitGradient = new MisfitGradient(null, Threads);
        _observed = _propagator.Forward(truth);
        _start = Blur(truth);
        _gradient = new double[truth.Length];
    }

    /// <summary>One forward run of the start.</summary>
    [Benchmark(Baseline = true)]
    public float[] Forward() => _propagator.Forward(_start);

    /// <summary>Misfit and gradient of the start.</summary>
    [Benchmark]
    public double MisfitAndGradient() => _misfitGradient.Evaluate(_start, _observed, _gradient);

    private static float[] Blur(float[] v)
    {
        var result = new float[v.Length];
        for (int z = 0; z < 70; z++)
        {
            for (int x = 0; x < 70; x++)
            {
                double sum = 0;
                int count = 0;
                for (int dz = -3; dz <= 3; dz++)
                    for (int dx = -3; dx <= 3; dx++, count++)
                        sum += v[Math.Clamp(z + dz, 0, 69) * 70 + Math.Clamp(x + dx, 0, 69)];
                result[z * 70 + x] = (float)(sum / count);
            }
        }
        return result;
    }
}

using Seismic.Data.OpenFwi;
using Seismic.Physics.Acquisition;
using Seismic.Physics.Families;
using Seismic.Physics.Inversion;
using Seismic.Physics.Propagation;

namespace Seismic.Physics.Tests.Inversion;

public sealed class MisfitGradientTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // A small grid where float64 makes tight checks possible: 8 x 10 model, 10-cell sponge, 40 Hz wavelet, 2 shots (one
    // at the left edge), receivers at depth 1 plus one at the bottom right corner.
    private static readonly AcquisitionOptions Small = AcquisitionOptions.OpenFwi with
    {
        ModelDepth = 8, ModelWidth = 10, BoundaryCells = 10, TimeSamples = 150, Frequency = 40,
        Sources = [new GridPoint(1, 0), new GridPoint(2, 6)],
        Receivers = [.. Enumerable.Range(0, 10).Select(x => new GridPoint(1, x)), new GridPoint(7, 9)],
    };

    private static double[] SmallTruth()
    {
        var v = new double[80];
        for (int z = 0; z < 8; z++)
            for (int x = 0; x < 10; x++)
                v[z * 10 + x] = z < 3 ? 1800 : z < 6 ? 2600 + 40 * x : 3400;
        return v;
    }

    private static double[] SmallStart(Random random) => [.. SmallTruth().Select(x => 0.93 * x + 60 * random.NextDouble())];

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    private static double[] Direction(Random random, int n) => [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1)];

    [Fact]
    public void Float64_reference_adjoint_passes_a_tight_Taylor_test_including_edges_and_sources()
    {
        var random = new Random(7);
        var truth = SmallTruth();
        var start = SmallStart(random);
        var reference = new ReferenceAcoustic(Small, spongeVelocity: 1800);
        var observed = reference.Forward(truth);
        var g = reference.Gradient(start, observed);

        // Random direction, then directions on the model's edge cells (their padding replicates them) and on each source cell.
        var directions = new List<double[]> { Direction(random, 80) };
        var edge = new double[80];
        for (int i = 0; i < 80; i++) if (i / 10 is 0 or 7 || i % 10 is 0 or 9) edge[i] = random.NextDouble() * 2 - 1;
        directions.Add(edge);
        foreach (var s in Small.Sources)
        {
            var d = new double[80];
            d[s.Z * 10 + s.X] = 1;
            directions.Add(d);
        }
        foreach (var d in directions)
        {
            const double h = 0.05; // m/s along a direction of entries <= 1
            double fd = (reference.Misfit([.. start.Zip(d, (v, e) => v + h * e)], observed) -
                         reference.Misfit([.. start.Zip(d, (v, e) => v - h * e)], observed)) / (2 * h);
            double adjoint = Dot(g, d);
            Assert.True(Math.Abs(adjoint) > 1e-12, "direction must see a non-zero derivative");
            output.WriteLine($"float64: FD {fd:g12} adjoint {adjoint:g12} relative difference {Math.Abs(fd - adjoint) / Math.Abs(fd):g3}");
            Assert.True(Math.Abs(fd - adjoint) <= 1e-7 * Math.Abs(fd), $"FD {fd:g10} vs adjoint {adjoint:g10}");
        }
    }

    [Fact]
    public void Library_gradient_matches_the_float64_reference_in_every_cell_on_a_small_grid()
    {
        var random = new Random(3);
        var truth = SmallTruth();
        var start = SmallStart(random);
        var reference = new ReferenceAcoustic(Small, spongeVelocity: 1800);
        var observedD = reference.Forward(truth);
        float[] observed = [.. observedD.Select(x => (float)x)];
        float[] v = [.. start.Select(x => (float)x)];

        // The reference forward is the library's scheme: its data agree with the float32 propagator.
        var data = new AcousticPropagator(Small, 1).Forward(truth.Select(x => (float)x).ToArray());
        double peak = observedD.Max(Math.Abs);
        Assert.True(data.Zip(observedD, (a, b) => Math.Abs(a - b)).Max() < 1e-5 * peak);

        var g = new double[80];
        double j = new MisfitGradient(Small, 1).Evaluate(v, observed, g, spongeVelocity: 1800);
        var gRef = reference.Gradient([.. v.Select(x => (double)x)], observedD);
        Assert.Equal(reference.Misfit([.. v.Select(x => (double)x)], observedD), j, 1e-5 * j);
        double scale = gRef.Max(Math.Abs);
        for (int i = 0; i < 80; i++)
            Assert.True(Math.Abs(g[i] - gRef[i]) <= 2e-4 * scale, $"cell {i}: {g[i]:g6} vs reference {gRef[i]:g6} (max {scale:g3})");
    }

    [Theory]
    [InlineData(VelocityFamily.FlatVelA)]
    [InlineData(VelocityFamily.CurveFaultA)]
    [InlineData(VelocityFamily.StyleA)]
    public void OpenFwi_gradient_passes_a_Taylor_test_on_70x70_models(VelocityFamily family)
    {
        var truth = new VelocityModelGenerator(family).Generate(11, 0);
        var acq = AcquisitionOptions.OpenFwi;
        var propagator = new AcousticPropagator(acq);
        var observed = propagator.Forward(truth);
        var start = Smooth(truth, 4);
        float sponge = start.Min();
        var g = new double[acq.ModelSize];
        var gradient = new MisfitGradient(acq);
        double j0 = gradient.Evaluate(start, observed, g, sponge);
        Assert.True(j0 > 1e-3, $"the start must misfit: J = {j0}");

        // Random directions with entries in [0, 1]: with signs mixed at random the derivative nearly cancels (|g.d| is
        // ~1/200 of sum |g_i d_i|) and the float32 forward's rounding in the finite difference, not the gradient, sets the error.
        var random = new Random(5);
        var edgesAndSources = new double[acq.ModelSize];
        for (int i = 0; i < acq.ModelSize; i++)
            if (i / 70 is 0 or 69 || i % 70 is 0 or 69) edgesAndSources[i] = random.NextDouble();
        foreach (var s in acq.Sources) edgesAndSources[s.Z * 70 + s.X] = 1;
        double[] everywhere = [.. Enumerable.Range(0, acq.ModelSize).Select(_ => random.NextDouble())];
        foreach (var d in new[] { everywhere, edgesAndSources })
        {
            double adjoint = Dot(g, d);
            // Fourth-order central differences through the float32 forward with the same fixed sponge: h = 4 m/s keeps the
            // float32 rounding of J well below the 1e-3 tolerance and the O(h^4) truncation negligible (second-order ones
            // need h ~ 2 for the truncation and then see the rounding, up to 8e-4 along the edges).
            const double h = 4;
            double Misfit(double step) =>
                gradient.Misfit(start.Select((x, i) => (float)(x + step * d[i])).ToArray(), observed, sponge);
            double fd = (8 * (Misfit(h) - Misfit(-h)) - (Misfit(2 * h) - Misfit(-2 * h))) / (12 * h);
            output.WriteLine($"{family}: FD {fd:g8} adjoint {adjoint:g8} relative difference {Math.Abs(fd - adjoint) / Math.Abs(fd):g3}");
            Assert.True(Math.Abs(fd - adjoint) <= 1e-3 * Math.Abs(fd), $"{family}: FD {fd:g8} vs adjoint {adjoint:g8} (rel {Math.Abs(fd - adjoint) / Math.Abs(fd):g3})");
        }
    }

    [Fact]
    public void Misfit_is_half_the_squared_relative_L2_and_zero_at_the_truth()
    {
        var acq = AcquisitionOptions.OpenFwi with { TimeSamples = 300 };
        var truth = new VelocityModelGenerator(VelocityFamily.FlatVelA).Generate(2, 0);
        var observed = new AcousticPropagator(acq).Forward(truth);
        var gradient = new MisfitGradient(acq);
        var g = new double[acq.ModelSize];
        Assert.Equal(0, gradient.Evaluate(truth, observed, g));
        Assert.All(g, x => Assert.Equal(0, x));

        var other = truth.Select(x => x + 80).ToArray();
        double j = gradient.Evaluate(other, observed, g);
        double relative = Seismic.Physics.Misfit.DataMisfit.Compare(new AcousticPropagator(acq).Forward(other), observed, acq.ShotCount).RelativeL2;
        Assert.Equal(relative * relative / 2, j, 1e-9);
        Assert.True(g.Sum() > 0, "every cell 80 m/s too fast: raising velocities must raise the misfit");
    }

    [Fact]
    public void Results_do_not_depend_on_threads_or_on_earlier_calls()
    {
        var acq = AcquisitionOptions.OpenFwi with { TimeSamples = 200 };
        var truth = new VelocityModelGenerator(VelocityFamily.CurveFaultA).Generate(3, 0);
        var observed = new AcousticPropagator(acq).Forward(truth);
        var start = Smooth(truth, 3);
        var one = new double[acq.ModelSize];
        var two = new double[acq.ModelSize];
        var again = new double[acq.ModelSize];
        var parallel = new MisfitGradient(acq, 2);
        double j1 = new MisfitGradient(acq, 1).Evaluate(start, observed, one);
        double j2 = parallel.Evaluate(start, observed, two);
        parallel.Evaluate(truth, observed, again); // reuses the pooled buffers
        double j3 = parallel.Evaluate(start, observed, again);
        Assert.Equal(j1, j2, 1e-12 * j1);
        Assert.Equal(j2, j3);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.Equal(one[i], two[i], 1e-9 * one.Max(Math.Abs));
            Assert.Equal(two[i], again[i]);
        }
    }

    [Fact]
    public void Working_memory_per_thread_is_stated_and_small()
    {
        var gradient = new MisfitGradient();
        Assert.Equal(44, gradient.CheckpointInterval);
        // 5 shots on all threads of this machine: well under 1 GB for one 70 x 70 model.
        Assert.InRange(gradient.BytesPerThread, 30L << 20, 50L << 20);
    }

    [Fact]
    public void Bad_input_is_refused_with_the_problem_named()
    {
        var acq = AcquisitionOptions.OpenFwi with { TimeSamples = 50 };
        var gradient = new MisfitGradient(acq, 1);
        var v = Enumerable.Repeat(2000f, acq.ModelSize).ToArray();
        var g = new double[acq.ModelSize];
        Assert.Contains("observed data has", Assert.Throws<ArgumentException>(() => gradient.Evaluate(v, new float[10], g)).Message);
        Assert.Contains("all zero", Assert.Throws<ArgumentException>(() => gradient.Evaluate(v, new float[acq.SeismicSize], g)).Message);
        Assert.Contains("gradient has", Assert.Throws<ArgumentException>(() => gradient.Evaluate(v, new float[acq.SeismicSize], new double[3])).Message);
        v[5] = -1;
        Assert.Contains("not positive", Assert.Throws<ArgumentException>(() => gradient.Evaluate(v, Enumerable.Repeat(1f, acq.SeismicSize).ToArray(), g)).Message);
    }

    /// <summary>A separable box blur with edge clamping, as a stand-in for the smoothed start.</summary>
    internal static float[] Smooth(float[] v, int radius, int n = 70)
    {
        var a = (float[])v.Clone();
        var b = new float[v.Length];
        for (int pass = 0; pass < 2; pass++)
        {
            for (int z = 0; z < n; z++)
            {
                for (int x = 0; x < n; x++)
                {
                    double s = 0;
                    for (int k = -radius; k <= radius; k++)
                        s += pass == 0 ? a[z * n + Math.Clamp(x + k, 0, n - 1)] : a[Math.Clamp(z + k, 0, n - 1) * n + x];
                    b[z * n + x] = (float)(s / (2 * radius + 1));
                }
            }
            (a, b) = (b, a);
        }
        return a;
    }
}

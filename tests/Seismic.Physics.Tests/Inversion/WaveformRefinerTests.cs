using Seismic.Physics.Acquisition;
using Seismic.Physics.Inversion;
using Seismic.Physics.Propagation;

namespace Seismic.Physics.Tests.Inversion;

public sealed class WaveformRefinerTests
{
    // A small grid (8 x 10 model) so that every refinement takes a fraction of a second.
    private static readonly AcquisitionOptions Small = AcquisitionOptions.OpenFwi with
    {
        ModelDepth = 8, ModelWidth = 10, BoundaryCells = 10, TimeSamples = 200, Frequency = 40,
        Sources = [new GridPoint(1, 1), new GridPoint(1, 8)],
        Receivers = [.. Enumerable.Range(0, 10).Select(x => new GridPoint(1, x))],
    };

    private static float[] Truth() =>
        [.. Enumerable.Range(0, 80).Select(i => i / 10 < 3 ? 1800f : i / 10 < 6 ? 2600f : 3400f)];

    private static float[] Start() => [.. Truth().Select((v, i) => v * (i / 10 < 3 ? 1f : 0.9f))];

    private static double Mae(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average();

    [Fact]
    public void Refinement_lowers_the_misfit_every_iteration_and_moves_toward_the_truth()
    {
        var observed = new AcousticPropagator(Small, 1).Forward(Truth());
        var result = new WaveformRefiner(new RefinementOptions { Iterations = 8 }, Small, 1).Refine(Start(), observed);
        Assert.Equal(9, result.RelativeMisfit.Count);
        for (int i = 1; i < result.RelativeMisfit.Count; i++) Assert.True(result.RelativeMisfit[i] <= result.RelativeMisfit[i - 1]);
        Assert.True(result.RelativeMisfit[^1] < 0.75 * result.RelativeMisfit[0], string.Join(", ", result.RelativeMisfit));
        Assert.True(Mae(result.Velocity, Truth()) < Mae(Start(), Truth()), $"{Mae(result.Velocity, Truth())} vs {Mae(Start(), Truth())}");
        Assert.InRange(result.Evaluations, 9, 8 * 4 + 1);
        // The reported misfit is the relative L2 of the refined model (with the start's sponge).
        double check = Math.Sqrt(2 * new MisfitGradient(Small, 1).Misfit(result.Velocity, observed, Start().Min()));
        Assert.Equal(result.RelativeMisfit[^1], check, 1e-6);
    }

    [Fact]
    public void Velocities_stay_within_the_bounds()
    {
        var observed = new AcousticPropagator(Small, 1).Forward(Truth());
        var options = new RefinementOptions { Iterations = 4, MinVelocity = 2000, MaxVelocity = 3000, FirstStep = 500 };
        var result = new WaveformRefiner(options, Small, 1).Refine(Start(), observed);
        Assert.All(result.Velocity, v => Assert.InRange(v, 2000f, 3000f));
    }

    [Fact]
    public void A_strong_prior_keeps_the_start_and_a_small_ensemble_std_keeps_those_cells()
    {
        var observed = new AcousticPropagator(Small, 1).Forward(Truth());
        var start = Start();
        var free = new WaveformRefiner(new RefinementOptions { Iterations = 4 }, Small, 1).Refine(start, observed).Velocity;
        var anchored = new WaveformRefiner(new RefinementOptions { Iterations = 4, PriorWeight = 100, PriorStd = 1 }, Small, 1).Refine(start, observed).Velocity;
        Assert.True(Mae(anchored, start) < 0.05 * Mae(free, start), $"{Mae(anchored, start)} vs {Mae(free, start)}");

        // sigma = 2 m/s in the bottom rows (the ensemble is sure there), 1000 m/s elsewhere.
        float[] std = [.. Enumerable.Range(0, 80).Select(i => i / 10 >= 6 ? 2f : 1000f)];
        var weighted = new WaveformRefiner(new RefinementOptions { Iterations = 4, PriorWeight = 1, PriorStd = 1 }, Small, 1).Refine(start, observed, std).Velocity;
        double Moved(float[] v, bool sure) => Enumerable.Range(0, 80).Where(i => i / 10 >= 6 == sure).Average(i => Math.Abs(v[i] - start[i]));
        Assert.True(Moved(weighted, sure: true) < 0.1 * Moved(weighted, sure: false), $"{Moved(weighted, true)} vs {Moved(weighted, false)}");
    }

    [Fact]
    public void Zero_iterations_return_the_clamped_start()
    {
        var observed = new AcousticPropagator(Small, 1).Forward(Truth());
        var start = Start();
        start[0] = 9000;
        var result = new WaveformRefiner(new RefinementOptions { Iterations = 0 }, Small, 1).Refine(start, observed);
        Assert.Equal(4500f, result.Velocity[0]);
        Assert.Equal(start[1..], result.Velocity[1..]);
        Assert.Single(result.RelativeMisfit);
    }

    [Theory]
    [InlineData("Iterations")]
    [InlineData("MaxVelocity")]
    [InlineData("FirstStep")]
    [InlineData("PriorWeight")]
    [InlineData("WaterLevel")]
    public void Invalid_options_are_refused_by_name(string name)
    {
        var o = name switch
        {
            "Iterations" => new RefinementOptions { Iterations = -1 },
            "MaxVelocity" => new RefinementOptions { MaxVelocity = 1000 },
            "FirstStep" => new RefinementOptions { FirstStep = 0 },
            "PriorWeight" => new RefinementOptions { PriorWeight = -1 },
            _ => new RefinementOptions { WaterLevel = double.NaN },
        };
        Assert.Contains(name, Assert.Throws<ArgumentException>(() => new WaveformRefiner(o, Small, 1)).Message);
    }
}

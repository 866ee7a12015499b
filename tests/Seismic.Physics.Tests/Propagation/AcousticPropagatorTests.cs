using Seismic.Data.OpenFwi;
using Seismic.Physics.Acquisition;
using Seismic.Physics.Families;
using Seismic.Physics.Propagation;

namespace Seismic.Physics.Tests.Propagation;

public sealed class AcousticPropagatorTests
{
    private static float[] Homogeneous(float v) => Enumerable.Repeat(v, 70 * 70).ToArray();

    private static float[] Heterogeneous() => new VelocityModelGenerator(VelocityFamily.CurveFaultB).Generate(5, 1);

    [Fact]
    public void Source_receiver_reciprocity_holds_in_a_heterogeneous_model()
    {
        var v = Heterogeneous();
        var a = new GridPoint(3, 12);
        var b = new GridPoint(45, 58);
        AcquisitionOptions Single(GridPoint s, GridPoint r) =>
            AcquisitionOptions.OpenFwi with { TimeSamples = 700, Sources = [s], Receivers = [r] };

        // The scheme is M p_tt + C p_t = L p + s with diagonal M = 1/alpha, C, and symmetric L; the source (v_s dt)^2 w
        // is alpha_s dx^2 w, so the Green's function is symmetric: swapping source and receiver gives the same trace.
        var ab = new AcousticPropagator(Single(a, b), 1).Forward(v);
        var ba = new AcousticPropagator(Single(b, a), 1).Forward(v);
        double peak = ab.Max(MathF.Abs);
        Assert.True(peak > 0.01, $"trace too weak to be meaningful: {peak}");
        double worst = ab.Zip(ba, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(worst < 1e-4 * peak, $"max |G(a,b) - G(b,a)| = {worst / peak:g3} of peak");
    }

    [Fact]
    public void Direct_wave_travels_at_the_model_velocity()
    {
        const float v = 3000;
        var acq = AcquisitionOptions.OpenFwi with { TimeSamples = 400, Sources = [new GridPoint(35, 5)], Receivers = [new GridPoint(35, 25), new GridPoint(35, 45), new GridPoint(35, 65)] };
        var rec = new AcousticPropagator(acq, 1).Forward(Homogeneous(v));
        int PeakTime(int g) => Enumerable.Range(0, 400).MaxBy(t => Math.Abs(rec[t * 3 + g]));
        int t20 = PeakTime(0), t40 = PeakTime(1), t60 = PeakTime(2);

        // 200 m more distance = 66.7 ms at 3000 m/s; the peak lags the arrival by a near-constant amount in the far field.
        Assert.InRange(t40 - t20, 64, 70);
        Assert.InRange(t60 - t40, 64, 70);
        // Absolute: source peak at 73 ms plus 600 m / 3000 m/s = 273 ms (2-D waves peak a few ms after the arrival).
        Assert.InRange(t60, 270, 285);
    }

    [Fact]
    public void Sponge_absorbs_the_wave_once_it_leaves_the_interior()
    {
        var everywhere = Enumerable.Range(0, 70 * 70).Select(i => new GridPoint(i / 70, i % 70)).ToList();
        var acq = AcquisitionOptions.OpenFwi with { Sources = [new GridPoint(35, 35)], Receivers = everywhere };
        var rec = new AcousticPropagator(acq).Forward(Homogeneous(3000));
        double Energy(int t) => rec.AsSpan(t * 4900, 4900).ToArray().Sum(x => (double)x * x);
        double peak = Enumerable.Range(0, 1000).Max(Energy);
        double late = Enumerable.Range(900, 100).Max(Energy);
        // The wave (and the 147 ms wavelet) has left the 700 m interior by ~0.5 s; what is left is sponge leakage.
        Assert.True(late < 1e-4 * peak, $"interior energy after 0.9 s is {late / peak:g3} of its peak");
        Assert.True(Energy(150) > 1e-2 * peak, "the wave should still be inside at 150 ms");
    }

    [Fact]
    public void Skipping_unreached_cells_is_bitwise_identical_to_the_full_grid()
    {
        var v = Heterogeneous();
        var fast = new AcousticPropagator(null, 2).Forward(v);
        var full = new AcousticPropagator(null, 2) { SkipUnreachedCells = false }.Forward(v);
        Assert.True(fast.AsSpan().SequenceEqual(full));
    }

    [Fact]
    public void Shorter_and_odd_length_records_are_prefixes_of_longer_ones()
    {
        // Steps run in pairs with cone skipping tied to the record length; none of that may change a sample.
        var v = Heterogeneous();
        var shortRec = new AcousticPropagator(AcquisitionOptions.OpenFwi with { TimeSamples = 301 }, 2).Forward(v);
        var longRec = new AcousticPropagator(AcquisitionOptions.OpenFwi with { TimeSamples = 400 }, 2).Forward(v);
        for (int s = 0; s < 5; s++)
            Assert.True(shortRec.AsSpan(s * 301 * 70, 301 * 70).SequenceEqual(longRec.AsSpan(s * 400 * 70, 301 * 70)), $"shot {s}");
    }

    [Fact]
    public void Batch_equals_single_samples_and_threads_do_not_change_results()
    {
        var gen = new VelocityModelGenerator(VelocityFamily.FlatVelB);
        var acq = AcquisitionOptions.OpenFwi with { TimeSamples = 250 };
        var models = new float[6 * 4900];
        for (int i = 0; i < 6; i++) gen.Generate(9, (ulong)i, models.AsSpan(i * 4900, 4900));
        var batch = new AcousticPropagator(acq, 2).Forward(models, 6);
        for (int i = 0; i < 6; i += 5)
        {
            var one = new AcousticPropagator(acq, 1).Forward(models.AsMemory(i * 4900, 4900));
            Assert.True(one.AsSpan().SequenceEqual(batch.AsSpan(i * acq.SeismicSize, acq.SeismicSize)));
        }
    }

    [Fact]
    public void Stable_just_below_the_Courant_limit()
    {
        // Homogeneous: vmin = v, so the limit is the one with the strongest sponge for this velocity.
        float v = (float)(0.995 * AcquisitionOptions.OpenFwi.MaxStableVelocity(5900));
        var acq = AcquisitionOptions.OpenFwi with { TimeSamples = 1000 };
        var rec = new AcousticPropagator(acq).Forward(Homogeneous(v));
        Assert.All(rec, x => Assert.True(float.IsFinite(x) && Math.Abs(x) < 1e3));
        Assert.Throws<ArgumentException>(() => new AcousticPropagator(acq).Forward(Homogeneous((float)(1.001 * AcquisitionOptions.OpenFwi.MaxStableVelocity(5900)))));
    }

    [Fact]
    public void A_uniformly_absurd_model_is_named_implausible_not_given_a_zero_stability_limit()
    {
        // Issue 10: 1e6 m/s everywhere used to say "stability limit 0 (max 0 m/s)".
        var e = Assert.Throws<ArgumentException>(() => new AcousticPropagator().Forward(Homogeneous(1e6f)));
        Assert.Contains("physically plausible", e.Message);
        Assert.DoesNotContain("max 0 m/s", e.Message);
        // The fastest plausible model still gets a meaningful limit.
        Assert.InRange(AcquisitionOptions.OpenFwi.MaxStableVelocity(20_000), 5000, 6000);
    }

    [Fact]
    public void Stability_limit_follows_the_sponge_strength()
    {
        var acq = AcquisitionOptions.OpenFwi;
        double limit = acq.MaxStableVelocity(5900);
        Assert.InRange(limit, 5900, 6000);
        Assert.InRange(acq.MaxStableVelocity(1500), 6070, 6085);
        Assert.InRange(acq.MaxStableCourantNumber(4500), 0.597, 0.599);
    }

    [Theory]
    [InlineData(float.NaN, "not finite")]
    [InlineData(float.PositiveInfinity, "not finite")]
    [InlineData(0f, "not positive")]
    [InlineData(-1500f, "not positive")]
    [InlineData(6200f, "Courant")]
    [InlineData(1e-40f, "outside the physically plausible range [100, 20000] m/s")] // used to write all-zero data
    [InlineData(1e6f, "outside the physically plausible range [100, 20000] m/s")]
    public void Rejects_invalid_velocities_with_a_clear_message(float bad, string expected)
    {
        var v = Homogeneous(2000);
        v[3 * 70 + 4] = bad;
        var e = Assert.Throws<ArgumentException>(() => new AcousticPropagator().Forward(v));
        Assert.Contains(expected, e.Message);
        Assert.Contains("(z=3, x=4)", e.Message);
    }

    [Fact]
    public void Rejects_wrong_shapes()
    {
        var p = new AcousticPropagator();
        Assert.Contains("70 x 70", Assert.Throws<ArgumentException>(() => p.Forward(new float[69 * 70])).Message);
        Assert.Throws<ArgumentException>(() => p.Forward(Homogeneous(2000), 2));
        Assert.Throws<ArgumentException>(() => p.Forward(Homogeneous(2000), 1, new float[10]));
    }

    [Fact]
    public void Ricker_wavelet_has_OpenFWI_length_and_peak()
    {
        Assert.Equal(147, RickerWavelet.Length(15, 0.001));
        var w = RickerWavelet.Create(15, 0.001, 1000);
        Assert.Equal(1.0, w[73], 12);
        Assert.Equal(73, Array.IndexOf(w, w.Max()));
        Assert.All(w.Skip(147), x => Assert.Equal(0, x));
        Assert.Equal(w[72], w[74], 12);
    }
}

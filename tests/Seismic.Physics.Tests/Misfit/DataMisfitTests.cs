using Seismic.Data.OpenFwi;
using Seismic.Physics.Acquisition;
using Seismic.Physics.Families;
using Seismic.Physics.Misfit;
using Seismic.Physics.Propagation;

namespace Seismic.Physics.Tests.Misfit;

public sealed class DataMisfitTests
{
    [Fact]
    public void True_model_fits_exactly_and_worse_models_fit_worse()
    {
        var p = new AcousticPropagator(AcquisitionOptions.OpenFwi with { TimeSamples = 500 }, 2);
        var truth = new VelocityModelGenerator(VelocityFamily.FlatVelA).Generate(1, 0);
        var observed = p.Forward(truth);
        var misfit = new DataMisfit(p);

        var exact = misfit.Compute(truth, observed, OpenFwiDataset.FlatVelA);
        Assert.Equal(0, exact.RelativeL2);
        Assert.All(exact.RelativeL2PerShot, x => Assert.Equal(0, x));
        Assert.Equal(0, exact.NormalizedMae);

        double Misfit(float dv) => misfit.Compute(truth.Select(x => x + dv).ToArray(), observed).RelativeL2;
        double small = Misfit(50), large = Misfit(300);
        Assert.True(small > 0 && large > small, $"{small} vs {large}");
        var r = misfit.Compute(truth.Select(x => x + 100).ToArray(), observed);
        Assert.Equal(5, r.RelativeL2PerShot.Count);
        Assert.Null(r.NormalizedMae);
        Assert.True(r.MeanAbsoluteError > 0);
    }

    [Fact]
    public void Compare_rejects_mismatched_lengths() =>
        Assert.Throws<ArgumentException>(() => DataMisfit.Compare(new float[10], new float[12], 2));
}

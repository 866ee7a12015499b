using Seismic.Data.OpenFwi;
using Seismic.Physics.Families;
using Seismic.Physics.Propagation;

namespace Seismic.Physics.Tests.Families;

public sealed class SeismicAmplitudeBoundsTests
{
    // OpenFWI's per-dataset normalisation bounds (OpenFWI's dataset_config.json, github.com/lanl/OpenFWI), hard-coded here on purpose.
    public static TheoryData<VelocityFamily, double, double> Bounds() => new()
    {
        { VelocityFamily.FlatVelA, -26.95, 52.77 },
        { VelocityFamily.FlatVelB, -27.17, 56.05 },
        { VelocityFamily.CurveVelA, -27.11, 55.10 },
        { VelocityFamily.CurveVelB, -29.04, 57.03 },
        { VelocityFamily.FlatFaultA, -26.10, 50.86 },
        { VelocityFamily.FlatFaultB, -24.86, 50.28 },
        { VelocityFamily.CurveFaultA, -26.48, 52.32 },
        { VelocityFamily.CurveFaultB, -24.93, 50.98 },
        { VelocityFamily.StyleA, -24.96, 48.93 },
        { VelocityFamily.StyleB, -23.76, 46.01 },
    };

    [Theory]
    [MemberData(nameof(Bounds))]
    public void Generated_seismic_stays_within_the_family_bounds_for_999_per_mille_of_values(VelocityFamily family, double min, double max)
    {
        Assert.Equal((min, max), (OpenFwiDataset.For(family).DataMin, OpenFwiDataset.For(family).DataMax));
        const int samples = 3;
        var gen = new VelocityModelGenerator(family);
        var models = new float[samples * 4900];
        for (int i = 0; i < samples; i++) gen.Generate(2024, (ulong)i, models.AsSpan(i * 4900, 4900));
        var seismic = new AcousticPropagator().Forward(models, samples);
        long outside = seismic.LongCount(x => x < min || x > max);
        Assert.True(outside <= seismic.Length / 1000, $"{family}: {outside} of {seismic.Length} values outside [{min}, {max}]; range [{seismic.Min()}, {seismic.Max()}]");
    }
}

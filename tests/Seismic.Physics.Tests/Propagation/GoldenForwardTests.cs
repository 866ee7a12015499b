using Seismic.Physics.Propagation;
using Seismic.Tests;

namespace Seismic.Physics.Tests.Propagation;

public sealed class GoldenForwardTests
{
    public static TheoryData<string> CaseNames() => [.. Golden.Cases("openfwi_forward").Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Seismogram_matches_reference_within_1e_3_of_peak(string name)
    {
        var c = Golden.Cases("openfwi_forward").Single(x => x.GetProperty("name").GetString() == name);
        var velocity = Golden.ReadFloats(c.GetProperty("velocity").GetString()!);
        var expected = Golden.ReadDoubles(c.GetProperty("expected").GetString()!, out var shape);
        Assert.Equal([5, 1000, 70], shape);

        var actual = new AcousticPropagator().Forward(velocity);

        double peak = expected.Max(Math.Abs);
        Assert.Equal(c.GetProperty("peak_abs").GetDouble(), peak, 3);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        Assert.True(worst <= 1e-3 * peak, $"max |error| {worst:g4} = {worst / peak:g3} of peak {peak:g4}");
    }
}

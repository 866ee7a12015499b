using Seismic.Physics.Acquisition;

namespace Seismic.Physics.Tests.Acquisition;

public sealed class AcquisitionOptionsTests
{
    [Fact]
    public void Defaults_are_OpenFWI()
    {
        var a = AcquisitionOptions.OpenFwi;
        Assert.Equal((10.0, 0.001, 1000, 15.0, 120), (a.Dx, a.Dt, a.TimeSamples, a.Frequency, a.BoundaryCells));
        Assert.Equal([0, 17, 34, 52, 69], a.Sources.Select(s => s.X));
        Assert.All(a.Sources, s => Assert.Equal(1, s.Z));
        Assert.Equal(Enumerable.Range(0, 70), a.Receivers.Select(r => r.X));
        Assert.All(a.Receivers, r => Assert.Equal(1, r.Z));
        Assert.Equal([5, 1000, 70], a.SeismicShape);
        Assert.Equal(Math.Sqrt(3.0 / 8), AcquisitionOptions.MaxCourantNumber, 12);
    }

    [Fact]
    public void Invalid_values_name_the_option()
    {
        Assert.Contains("Dt", Assert.Throws<ArgumentOutOfRangeException>(() => AcquisitionOptions.CreateBuilder().WithTimeStep(-1).Build()).Message);
        Assert.Contains("BoundaryCells", Assert.Throws<ArgumentOutOfRangeException>(() => AcquisitionOptions.CreateBuilder().WithBoundaryCells(1).Build()).Message);
        Assert.Contains("Receivers", Assert.Throws<ArgumentOutOfRangeException>(() =>
            AcquisitionOptions.CreateBuilder().WithReceivers([new GridPoint(1, 70)]).Build()).Message);
        Assert.Contains("Frequency", Assert.Throws<ArgumentOutOfRangeException>(() => AcquisitionOptions.CreateBuilder().WithFrequency(600).Build()).Message);
    }

    [Fact]
    public void ToBuilder_round_trips()
    {
        var a = AcquisitionOptions.CreateBuilder().WithTimeSamples(300).WithSources([new GridPoint(2, 3)]).Build();
        var b = a.ToBuilder().Build();
        Assert.Equal(a.TimeSamples, b.TimeSamples);
        Assert.Equal(a.Sources, b.Sources);
        Assert.Equal(a.Receivers, b.Receivers);
    }
}

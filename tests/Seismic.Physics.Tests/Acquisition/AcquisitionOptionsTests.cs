using Seismic.Physics.Acquisition;
using Seismic.Physics.Propagation;

namespace Seismic.Physics.Tests.Acquisition;

public sealed class AcquisitionOptionsTests
{
    [Fact]
    public void A_published_dataset_s_config_describes_the_OpenFWI_acquisition()
    {
        foreach (var dataset in Seismic.Data.OpenFwi.OpenFwiDataset.All)
            Assert.Equal(AcquisitionOptions.OpenFwi, AcquisitionOptions.Of(dataset));
    }

    [Fact]
    public void A_dataset_with_other_numbers_gets_its_own_acquisition()
    {
        var custom = Seismic.Data.OpenFwi.OpenFwiDataset.FlatVelA with { Nt = 500, Ns = 3, Ng = 35, F = 10, Gz = 20 };
        var a = AcquisitionOptions.Of(custom);
        Assert.Equal((500, 10.0), (a.TimeSamples, a.Frequency));
        Assert.Equal([new GridPoint(1, 0), new GridPoint(1, 34), new GridPoint(1, 69)], a.Sources);
        Assert.Equal(35, a.Receivers.Count);
        Assert.All(a.Receivers, r => Assert.Equal(2, r.Z));
        Assert.Equal((0, 69), (a.Receivers[0].X, a.Receivers[^1].X));
        a.Validate();
    }

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
        Assert.Equal(new AcquisitionOptions(), a);
    }

    [Fact]
    public void Invalid_values_name_the_option_when_validated_and_when_a_propagator_is_created()
    {
        Assert.Contains("Dt", Assert.Throws<ArgumentException>(() => (AcquisitionOptions.OpenFwi with { Dt = -1 }).Validate()).Message);
        Assert.Contains("BoundaryCells", Assert.Throws<ArgumentException>(() => (AcquisitionOptions.OpenFwi with { BoundaryCells = 1 }).Validate()).Message);
        Assert.Contains("Receivers", Assert.Throws<ArgumentException>(() =>
            (AcquisitionOptions.OpenFwi with { Receivers = [new GridPoint(1, 70)] }).Validate()).Message);
        Assert.Contains("Frequency", Assert.Throws<ArgumentException>(() => (AcquisitionOptions.OpenFwi with { Frequency = 600 }).Validate()).Message);
        Assert.Contains("TimeSamples", Assert.Throws<ArgumentException>(() =>
            new AcousticPropagator(AcquisitionOptions.OpenFwi with { TimeSamples = 0 })).Message);
    }

    [Fact]
    public void With_expressions_copy_and_compare_by_value()
    {
        var a = AcquisitionOptions.OpenFwi with { TimeSamples = 300, Sources = [new GridPoint(2, 3)] };
        var b = a with { };
        Assert.Equal(300, b.TimeSamples);
        Assert.Equal(a.Sources, b.Sources);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, a with { Sources = [new GridPoint(2, 4)] });
        Assert.Equal(1000, AcquisitionOptions.OpenFwi.TimeSamples); // the default is untouched
    }

    [Fact]
    public void Default_sources_and_receivers_follow_the_model_width_until_set()
    {
        var wide = AcquisitionOptions.OpenFwi with { ModelWidth = 101 };
        Assert.Equal([0, 25, 50, 75, 100], wide.Sources.Select(s => s.X));
        Assert.Equal(101, wide.ReceiverCount);
        var pinned = AcquisitionOptions.OpenFwi with { Sources = [new GridPoint(1, 5)] };
        Assert.Equal([5], (pinned with { ModelWidth = 101 }).Sources.Select(s => s.X));
        Assert.Equal(101, (pinned with { ModelWidth = 101 }).ReceiverCount);
    }

    [Fact]
    public void A_list_passed_in_is_copied()
    {
        var list = new List<GridPoint> { new(1, 1) };
        var a = AcquisitionOptions.OpenFwi with { Receivers = list };
        list.Add(new GridPoint(1, 2));
        Assert.Single(a.Receivers);
    }

    [Fact]
    public void A_propagator_keeps_an_equal_acquisition()
    {
        var a = AcquisitionOptions.OpenFwi with { TimeSamples = 50 };
        Assert.Equal(a, new AcousticPropagator(a, 1).Acquisition);
    }
}

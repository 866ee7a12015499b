using Seismic.Data.OpenFwi;
using Seismic.I2sb.Cli.Commands;

namespace Seismic.I2sb.Cli.Tests.Commands;

/// <summary>Normalised velocities go back to m/s with the dataset's own label bounds.</summary>
public sealed class ResultFiguresTests
{
    [Fact]
    public void Default_bounds_are_openfwis()
    {
        Assert.Equal((1500f, 3000f), ResultFigures.Scale(OpenFwiConfig.Default["FlatVel_A"]));
        Assert.Equal((1500f, 3000f), ResultFigures.Scale(null));
    }

    [Fact]
    public void Custom_label_bounds_are_used()
    {
        var info = OpenFwiConfig.Default["FlatVel_A"] with { LabelMin = 1000, LabelMax = 5000 };
        var (half, mid) = ResultFigures.Scale(info);
        Assert.Equal(1000f, -1 * half + mid);
        Assert.Equal(5000f, 1 * half + mid);
        var map = ResultFigures.MetersPerSecond([-1f, 0f, 1f, 0.5f], 2, info);
        Assert.Equal(3000f, map[0, 1]);
        Assert.Equal(4000f, map[1, 1]);
    }
}

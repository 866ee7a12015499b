namespace Seismic.Plotting.Tests.Figures;

// The one validation style: ArgumentException, ParamName = the setting's path, the message starts with it.
public class FigureOptionsValidationTests
{
    [Fact]
    public void Map_figure_options_name_the_setting_by_path()
    {
        var pixels = Assert.Throws<ArgumentException>(() => (MapFigureOptions.Default with { PanelWidthPixels = 10 }).Validate());
        Assert.Equal("PanelWidthPixels", pixels.ParamName);
        Assert.StartsWith("PanelWidthPixels must be between 64 and 4096 pixels, got 10", pixels.Message);
        var range = Assert.Throws<ArgumentException>(() => (MapFigureOptions.Default with { VelocityRange = new ValueRange(3, 2) }).Validate());
        Assert.Equal("VelocityRange", range.ParamName);
        Assert.StartsWith("VelocityRange must be finite with Min < Max", range.Message);
        Assert.Equal("ErrorColormap", Assert.Throws<ArgumentException>(() => (MapFigureOptions.Default with { ErrorColormap = (FigureColormap)99 }).Validate()).ParamName);
    }

    [Fact]
    public void Shot_gather_options_name_the_setting_by_path()
    {
        var e = Assert.Throws<ArgumentException>(() => (ShotGatherOptions.Default with { ClipQuantile = 0 }).Validate());
        Assert.IsType<ArgumentException>(e);
        Assert.Equal("ClipQuantile", e.ParamName);
        Assert.StartsWith("ClipQuantile must be in (0, 1], got 0", e.Message);
    }
}

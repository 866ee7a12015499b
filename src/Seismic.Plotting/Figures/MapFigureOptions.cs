namespace Seismic.Plotting;

/// <summary>
/// Layout and colours of velocity-map figures (<see cref="SeismicFigures.Maps"/>, <see cref="SeismicFigures.Comparison"/>,
/// <see cref="SeismicFigures.Gallery"/>, <see cref="SeismicFigures.Trajectory"/>). Change it with <c>with</c>:
/// <c>MapFigureOptions.Default with { VelocityColormap = FigureColormap.Turbo }</c>.
/// </summary>
public sealed record MapFigureOptions
{
    /// <summary>The defaults listed on each property.</summary>
    public static MapFigureOptions Default { get; } = new();

    /// <summary>Width of one panel in pixels, colour bar included. The default value is 360 (allowed 64 to 4096).</summary>
    public int PanelWidthPixels { get; init; } = 360;

    /// <summary>Height of one panel in pixels, title included. The default value is 320 (allowed 64 to 4096).</summary>
    public int PanelHeightPixels { get; init; } = 320;

    /// <summary>Panels per row; null puts every panel in one row. The default value is null.</summary>
    public int? Columns { get; init; }

    /// <summary>Colormap of velocity panels. The default value is <see cref="FigureColormap.Jet"/> (as OpenFWI's figures).</summary>
    public FigureColormap VelocityColormap { get; init; } = FigureColormap.Jet;

    /// <summary>Colormap of error panels. The default value is <see cref="FigureColormap.Balance"/>.</summary>
    public FigureColormap ErrorColormap { get; init; } = FigureColormap.Balance;

    /// <summary>Colormap of uncertainty panels (e.g. an ensemble's standard deviation). The default value is <see cref="FigureColormap.Viridis"/>.</summary>
    public FigureColormap UncertaintyColormap { get; init; } = FigureColormap.Viridis;

    /// <summary>
    /// Colour range of velocity panels (e.g. <see cref="ValueRange.OpenFwiVelocity"/>). The default value is null:
    /// the minimum to maximum over all velocity panels (one shared range, so panels compare by colour), or per panel
    /// when <see cref="ShareVelocityRange"/> is false.
    /// </summary>
    public ValueRange? VelocityRange { get; init; }

    /// <summary>Whether velocity panels share one automatic colour range. The default value is true.</summary>
    public bool ShareVelocityRange { get; init; } = true;

    /// <summary>Colour range of error panels. The default value is null: symmetric, plus and minus the largest
    /// absolute error over all error panels.</summary>
    public ValueRange? ErrorRange { get; init; }

    /// <summary>Horizontal extent of a map in metres, drawn on the x axis; null labels the axis in grid cells.
    /// The default value is 700 (OpenFWI: 70 cells of 10 m, whatever the map's resolution).</summary>
    public double? DistanceMeters { get; init; } = 700;

    /// <summary>Vertical extent of a map in metres, drawn downward on the y axis; null labels the axis in grid cells.
    /// The default value is 700 (OpenFWI: 70 cells of 10 m).</summary>
    public double? DepthMeters { get; init; } = 700;

    /// <summary>Label of the velocity colour bars. The default value is "m/s".</summary>
    public string VelocityLabel { get; init; } = "m/s";

    /// <summary>Label of the error colour bars. The default value is "m/s".</summary>
    public string ErrorLabel { get; init; } = "m/s";

    /// <summary>Label of the uncertainty colour bars. The default value is "m/s".</summary>
    public string UncertaintyLabel { get; init; } = "m/s";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        FigureLayout.RequirePixels(PanelWidthPixels, nameof(PanelWidthPixels));
        FigureLayout.RequirePixels(PanelHeightPixels, nameof(PanelHeightPixels));
        Check.That(Columns is not < 1, nameof(Columns), $"must be at least 1 (or null for one row), got {Columns}");
        VelocityColormap.Validate(nameof(VelocityColormap));
        ErrorColormap.Validate(nameof(ErrorColormap));
        UncertaintyColormap.Validate(nameof(UncertaintyColormap));
        VelocityRange?.Validate(nameof(VelocityRange));
        ErrorRange?.Validate(nameof(ErrorRange));
        FigureLayout.RequirePositiveOrNull(DistanceMeters, nameof(DistanceMeters));
        FigureLayout.RequirePositiveOrNull(DepthMeters, nameof(DepthMeters));
        Check.Set(VelocityLabel, nameof(VelocityLabel));
        Check.Set(ErrorLabel, nameof(ErrorLabel));
        Check.Set(UncertaintyLabel, nameof(UncertaintyLabel));
    }
}

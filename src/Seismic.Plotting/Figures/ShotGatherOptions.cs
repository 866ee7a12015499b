namespace Seismic.Plotting;

/// <summary>Layout and colours of shot-gather figures (<see cref="SeismicFigures.ShotGathers"/>): time runs
/// downward, receivers across, amplitudes on a diverging colormap symmetric around 0.</summary>
public sealed record ShotGatherOptions
{
    /// <summary>The defaults listed on each property.</summary>
    public static ShotGatherOptions Default { get; } = new();

    /// <summary>Width of one panel in pixels, colour bar included. The default value is 320 (allowed 64 to 4096).</summary>
    public int PanelWidthPixels { get; init; } = 320;

    /// <summary>Height of one panel in pixels, title included. The default value is 480 (allowed 64 to 4096).</summary>
    public int PanelHeightPixels { get; init; } = 480;

    /// <summary>Panels per row; null puts every gather in one row. The default value is null.</summary>
    public int? Columns { get; init; }

    /// <summary>Colormap. The default value is <see cref="FigureColormap.Balance"/>.</summary>
    public FigureColormap Colormap { get; init; } = FigureColormap.Balance;

    /// <summary>Time between samples in seconds (rows); null labels the axis in samples.
    /// The default value is 0.001 (OpenFWI: 1 ms).</summary>
    public double? TimeStepSeconds { get; init; } = 0.001;

    /// <summary>Receiver spacing in metres (columns); null labels the axis by receiver index.
    /// The default value is 10 (OpenFWI).</summary>
    public double? ReceiverSpacingMeters { get; init; } = 10;

    /// <summary>Colour range. The default value is null: symmetric around 0, plus and minus the
    /// <see cref="ClipQuantile"/> quantile of absolute amplitudes over all gathers.</summary>
    public ValueRange? AmplitudeRange { get; init; }

    /// <summary>Quantile of absolute amplitudes that sets the automatic colour range, so the strong direct
    /// arrival does not wash out later reflections; 1 uses the maximum. The default value is 0.99 (allowed (0, 1]).</summary>
    public double ClipQuantile { get; init; } = 0.99;

    /// <summary>Label of the colour bars. The default value is "amplitude".</summary>
    public string AmplitudeLabel { get; init; } = "amplitude";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        FigureLayout.RequirePixels(PanelWidthPixels, nameof(PanelWidthPixels));
        FigureLayout.RequirePixels(PanelHeightPixels, nameof(PanelHeightPixels));
        Check.That(Columns is not < 1, nameof(Columns), $"must be at least 1 (or null for one row), got {Columns}");
        Colormap.Validate(nameof(Colormap));
        FigureLayout.RequirePositiveOrNull(TimeStepSeconds, nameof(TimeStepSeconds));
        FigureLayout.RequirePositiveOrNull(ReceiverSpacingMeters, nameof(ReceiverSpacingMeters));
        AmplitudeRange?.Validate(nameof(AmplitudeRange));
        Check.That(ClipQuantile is > 0 and <= 1, nameof(ClipQuantile), $"must be in (0, 1], got {ClipQuantile}");
        Check.Set(AmplitudeLabel, nameof(AmplitudeLabel));
    }
}

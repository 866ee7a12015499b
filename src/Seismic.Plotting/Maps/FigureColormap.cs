using ScottPlot;

namespace Seismic.Plotting;

/// <summary>Colormaps offered for figures (ScottPlot's implementations).</summary>
public enum FigureColormap
{
    /// <summary>Blue to red rainbow, as in OpenFWI's velocity figures.</summary>
    Jet,
    /// <summary>Google's Turbo: a rainbow with smoother lightness than Jet.</summary>
    Turbo,
    /// <summary>Perceptually uniform purple to yellow.</summary>
    Viridis,
    /// <summary>Diverging blue-white-red (cmocean Balance): for errors and seismic amplitudes around 0.</summary>
    Balance,
    /// <summary>Black to white.</summary>
    Grayscale,
}

internal static class FigureColormaps
{
    public static IColormap ToScottPlot(this FigureColormap colormap) => colormap switch
    {
        FigureColormap.Jet => new ScottPlot.Colormaps.Jet(),
        FigureColormap.Turbo => new ScottPlot.Colormaps.Turbo(),
        FigureColormap.Viridis => new ScottPlot.Colormaps.Viridis(),
        FigureColormap.Balance => new ScottPlot.Colormaps.Balance(),
        FigureColormap.Grayscale => new ScottPlot.Colormaps.Grayscale(),
        _ => throw new ArgumentException($"Unknown colormap {colormap}.", nameof(colormap)),
    };

    public static void Validate(this FigureColormap colormap, string option)
    {
        Check.That(Enum.IsDefined(colormap), option, $"must be one of {string.Join(", ", Enum.GetNames<FigureColormap>())}, got {(int)colormap}");
    }
}

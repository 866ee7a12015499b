using ScottPlot;

namespace Seismic.Plotting;

/// <summary>Draws heatmap panels onto a grid of plots; shared by every figure.</summary>
internal static class FigureLayout
{
    public static void RequirePixels(int value, string option) =>
        Check.That(value is >= 64 and <= 4096, option, $"must be between 64 and 4096 pixels, got {value}");

    public static void RequirePositiveOrNull(double? value, string option) =>
        Check.That(value is not { } v || (double.IsFinite(v) && v > 0), option, $"must be a positive finite number (or null), got {value}");

    /// <summary>Creates an empty figure of <paramref name="count"/> panels laid out in rows of <paramref name="columns"/>.</summary>
    public static (Multiplot Plots, int Rows) Grid(int count, int columns)
    {
        columns = Math.Min(columns, count);
        int rows = (count + columns - 1) / columns;
        var plots = new Multiplot();
        plots.AddPlots(rows * columns);
        plots.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        // Cells past the last panel stay blank.
        for (int i = count; i < rows * columns; i++) plots.GetPlot(i).Layout.Frameless();
        return (plots, rows);
    }

    /// <summary>
    /// One heatmap with its colour bar, row 0 at the top. The axes span <paramref name="extentX"/> across and
    /// <paramref name="extentY"/> downward (the map's cell counts when null).
    /// </summary>
    public static void Heatmap(Plot plot, Map2D map, string title, ValueRange range, FigureColormap colormap,
        string colorBarLabel, double? extentX, string xLabel, double? extentY, string yLabel)
    {
        double width = extentX ?? map.Width;
        double height = extentY ?? map.Height;
        var heatmap = plot.Add.Heatmap(map.ToGrid());
        heatmap.Colormap = colormap.ToScottPlot();
        heatmap.ManualRange = new ScottPlot.Range(range.Min, range.Max);
        // ScottPlot draws row 0 at the visually upper edge. Keep the extent's bottom < top and invert the y axis
        // through its limits (bottom = depth, top = 0) so the tick labels grow downward with the rows;
        // swapping the extent's bottom and top instead flips the image silently (NOTES-dotnet, Plots).
        heatmap.Extent = new CoordinateRect(0, width, 0, height);
        plot.Axes.SetLimits(0, width, height, 0);

        var colorBar = plot.Add.ColorBar(heatmap, Edge.Right);
        colorBar.Label = colorBarLabel;
        plot.Title(title, size: 14);
        plot.XLabel(xLabel, size: 12);
        plot.YLabel(yLabel, size: 12);
        plot.HideGrid();
    }

    /// <summary>The q-quantile of absolute values over all maps (nearest rank).</summary>
    public static double AbsQuantile(IEnumerable<Map2D> maps, double q)
    {
        var all = maps.SelectMany(m => m.Values.ToArray()).Select(v => Math.Abs((double)v)).ToArray();
        Array.Sort(all);
        int rank = (int)Math.Ceiling(q * all.Length) - 1;
        return all[Math.Clamp(rank, 0, all.Length - 1)];
    }
}

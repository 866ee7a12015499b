using ScottPlot;

namespace Seismic.Plotting;

/// <summary>
/// Figures of velocity models and seismic data. Velocity maps are drawn with depth downward, colour bars in the
/// maps' units (m/s by default) and axes in metres or grid cells; shot gathers with time downward on a diverging
/// colormap symmetric around 0. Each method returns a <see cref="Figure"/> to save as PNG.
/// </summary>
/// <example>
/// <code>
/// SeismicFigures.Comparison(truth, x1, prediction).SavePng("figures/sample-0.png");
/// </code>
/// </example>
public static class SeismicFigures
{
    /// <summary>
    /// Velocity and error panels side by side (or in rows of <see cref="MapFigureOptions.Columns"/>). Velocity
    /// panels share one colour range unless <see cref="MapFigureOptions.ShareVelocityRange"/> is false; error panels
    /// share a range symmetric around 0.
    /// </summary>
    /// <exception cref="ArgumentException">No panels, an invalid option, or a map with NaN or infinite values.</exception>
    public static Figure Maps(IReadOnlyList<MapPanel> panels, MapFigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(panels);
        options ??= MapFigureOptions.Default;
        options.Validate();
        if (panels.Count == 0) throw new ArgumentException("A figure needs at least one panel.", nameof(panels));
        for (int i = 0; i < panels.Count; i++)
        {
            if (panels[i] is null) throw new ArgumentException($"Panel {i} is null.", nameof(panels));
            ArgumentNullException.ThrowIfNull(panels[i].Map, $"panels[{i}].Map");
            panels[i].Map.RequireFinite($"panel '{panels[i].Title}'");
        }

        var velocityMaps = panels.Where(p => p.Kind == PanelKind.Velocity).Select(p => p.Map).ToList();
        var errorMaps = panels.Where(p => p.Kind == PanelKind.Error).Select(p => p.Map).ToList();
        ValueRange? sharedVelocity = options.VelocityRange
            ?? (options.ShareVelocityRange && velocityMaps.Count > 0 ? Union(velocityMaps.Select(m => m.Range())) : null);
        var errorRange = options.ErrorRange
            ?? (errorMaps.Count > 0 ? ValueRange.Symmetric(errorMaps.Max(m => m.MaxAbs())) : default);

        int columns = options.Columns ?? panels.Count;
        var (plots, rows) = FigureLayout.Grid(panels.Count, columns);
        string xLabel = options.DistanceMeters is null ? "distance (cells)" : "distance (m)";
        string yLabel = options.DepthMeters is null ? "depth (cells)" : "depth (m)";
        for (int i = 0; i < panels.Count; i++)
        {
            var panel = panels[i];
            var (range, colormap, label) = panel.Kind switch
            {
                PanelKind.Error => (errorRange, options.ErrorColormap, options.ErrorLabel),
                // A spread has its own scale: sharing the velocity range would flatten it to one colour.
                PanelKind.Uncertainty => (new ValueRange(0, panel.Map.Range().Max), options.UncertaintyColormap, options.UncertaintyLabel),
                _ => (sharedVelocity ?? panel.Map.Range(), options.VelocityColormap, options.VelocityLabel),
            };
            FigureLayout.Heatmap(plots.GetPlot(i), panel.Map, panel.Title, range.Widened(), colormap, label,
                options.DistanceMeters, xLabel, options.DepthMeters, yLabel);
        }
        return new Figure(plots, Math.Min(columns, panels.Count) * options.PanelWidthPixels, rows * options.PanelHeightPixels);
    }

    /// <summary>
    /// The standard result figure: truth, the smoothed input x1 (when given), the prediction and the error
    /// (prediction - truth), all in the same units (m/s for the default labels).
    /// </summary>
    /// <param name="truth">The true velocity model.</param>
    /// <param name="x1">The degraded input the bridge started from, or null to leave it out.</param>
    /// <param name="prediction">The sampled velocity model.</param>
    /// <param name="options">Layout and colours; the default is <see cref="MapFigureOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">The maps differ in size or hold NaN or infinite values.</exception>
    public static Figure Comparison(Map2D truth, Map2D? x1, Map2D prediction, MapFigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(prediction);
        if (x1 is not null && (x1.Height != truth.Height || x1.Width != truth.Width))
            throw new ArgumentException($"x1 is {x1.Height} x {x1.Width} but truth is {truth.Height} x {truth.Width}.", nameof(x1));
        if (prediction.Height != truth.Height || prediction.Width != truth.Width)
            throw new ArgumentException($"prediction is {prediction.Height} x {prediction.Width} but truth is {truth.Height} x {truth.Width}.", nameof(prediction));

        var panels = new List<MapPanel> { MapPanel.Velocity("truth", truth) };
        if (x1 is not null) panels.Add(MapPanel.Velocity("smoothed input x1", x1));
        panels.Add(MapPanel.Velocity("prediction", prediction));
        panels.Add(MapPanel.Error("error (prediction - truth)", prediction.Minus(truth)));
        return Maps(panels, options);
    }

    /// <summary>
    /// The result figure of an ensemble: truth, the smoothed input x1 (when given), the ensemble mean, its standard
    /// deviation (own colour bar from 0) and the error of the mean (mean - truth).
    /// </summary>
    /// <exception cref="ArgumentException">The maps differ in size or hold NaN or infinite values.</exception>
    public static Figure Ensemble(Map2D truth, Map2D? x1, Map2D mean, Map2D std, MapFigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        foreach (var (name, map) in new[] { ("x1", x1), ("mean", mean), ("std", std) })
            if (map is not null && (map.Height != truth.Height || map.Width != truth.Width))
                throw new ArgumentException($"{name} is {map.Height} x {map.Width} but truth is {truth.Height} x {truth.Width}.", name);
        var panels = new List<MapPanel> { MapPanel.Velocity("truth", truth) };
        if (x1 is not null) panels.Add(MapPanel.Velocity("smoothed input x1", x1));
        panels.Add(MapPanel.Velocity("ensemble mean", mean));
        panels.Add(MapPanel.Uncertainty("ensemble std", std));
        panels.Add(MapPanel.Error("error (mean - truth)", mean.Minus(truth)));
        return Maps(panels, options);
    }

    /// <summary>A histogram of <paramref name="values"/> in <paramref name="bins"/> equal bins from their minimum to their maximum.</summary>
    /// <param name="values">The values, e.g. the data misfit of every ensemble member.</param>
    /// <param name="title">Title above the plot.</param>
    /// <param name="valueLabel">Label of the x axis.</param>
    /// <param name="bins">Number of bins, 1 to 1000. The default value is 20.</param>
    /// <param name="widthPixels">Width of the image (64 to 4096). The default value is 480.</param>
    /// <param name="heightPixels">Height of the image (64 to 4096). The default value is 360.</param>
    /// <exception cref="ArgumentException">No values, a NaN or infinite value, or a size out of range.</exception>
    public static Figure Histogram(IReadOnlyList<double> values, string title, string valueLabel, int bins = 20,
                                   int widthPixels = 480, int heightPixels = 360)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("A histogram needs at least one value.", nameof(values));
        if (values.Any(v => !double.IsFinite(v))) throw new ArgumentException("Histogram values must be finite.", nameof(values));
        if (bins is < 1 or > 1000) throw new ArgumentException($"bins must be between 1 and 1000; got {bins}.", nameof(bins));
        FigureLayout.RequirePixels(widthPixels, nameof(widthPixels));
        FigureLayout.RequirePixels(heightPixels, nameof(heightPixels));

        double min = values.Min(), max = values.Max();
        double width = max > min ? (max - min) / bins : Math.Max(Math.Abs(min) * 1e-3, 1e-6);
        var counts = new double[bins];
        foreach (var v in values) counts[Math.Min(bins - 1, (int)((v - min) / width))]++;
        var (plots, _) = FigureLayout.Grid(1, 1);
        var plot = plots.GetPlot(0);
        var bars = plot.Add.Bars(Enumerable.Range(0, bins).Select(i => min + (i + 0.5) * width).ToArray(), counts);
        foreach (var bar in bars.Bars) bar.Size = width;
        plot.Axes.Margins(bottom: 0);
        plot.Title(title, size: 14);
        plot.XLabel(valueLabel, size: 12);
        plot.YLabel("count", size: 12);
        return new Figure(plots, widthPixels, heightPixels);
    }

    /// <summary>A grid of titled maps, <paramref name="columns"/> per row (e.g. one per velocity family).</summary>
    /// <exception cref="ArgumentException"><paramref name="columns"/> is below 1, no maps, or non-finite values.</exception>
    public static Figure Gallery(IReadOnlyList<MapPanel> maps, int columns, MapFigureOptions? options = null)
    {
        if (columns < 1) throw new ArgumentException($"columns must be at least 1; got {columns}.", nameof(columns));
        return Maps(maps, (options ?? MapFigureOptions.Default) with { Columns = columns });
    }

    /// <summary>
    /// The sampling trajectory: one column per recorded step, the state x_n on the top row and the network's
    /// x0_hat below it (when the steps carry one). All panels share one colour range.
    /// </summary>
    /// <exception cref="ArgumentException">No steps, x0_hat given for some steps only, or a map with NaN or infinite values.</exception>
    public static Figure Trajectory(IReadOnlyList<TrajectoryStep> steps, MapFigureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0) throw new ArgumentException("A trajectory needs at least one step.", nameof(steps));
        if (steps.Any(s => s is null)) throw new ArgumentException("A trajectory step is null.", nameof(steps));
        var panels = steps.Select(s => MapPanel.Velocity($"x_n, n = {s.Step}", s.State)).ToList();
        int withEstimate = steps.Count(s => s.PredictedX0 is not null);
        if (withEstimate != 0 && withEstimate != steps.Count)
            throw new ArgumentException($"Either every step or none has x0_hat; {withEstimate} of {steps.Count} do.", nameof(steps));
        if (withEstimate > 0)
            panels.AddRange(steps.Select(s => MapPanel.Velocity($"x0_hat, n = {s.Step}", s.PredictedX0!)));
        return Maps(panels, (options ?? MapFigureOptions.Default) with { Columns = steps.Count, ShareVelocityRange = true });
    }

    /// <summary>Shot gathers side by side, time downward, receivers across, one shared symmetric colour range.</summary>
    /// <param name="gathers">Titled gathers of shape (time samples, receivers); <see cref="MapPanel.Kind"/> is ignored.</param>
    /// <param name="options">Layout and colours; the default is <see cref="ShotGatherOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">No gathers, an invalid option, or a gather with NaN or infinite values.</exception>
    public static Figure ShotGathers(IReadOnlyList<MapPanel> gathers, ShotGatherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(gathers);
        options ??= ShotGatherOptions.Default;
        options.Validate();
        if (gathers.Count == 0) throw new ArgumentException("A figure needs at least one gather.", nameof(gathers));
        for (int i = 0; i < gathers.Count; i++)
        {
            if (gathers[i] is null) throw new ArgumentException($"Gather {i} is null.", nameof(gathers));
            gathers[i].Map.RequireFinite($"gather '{gathers[i].Title}'");
        }

        var range = options.AmplitudeRange
            ?? ValueRange.Symmetric(FigureLayout.AbsQuantile(gathers.Select(g => g.Map), options.ClipQuantile));
        int columns = options.Columns ?? gathers.Count;
        var (plots, rows) = FigureLayout.Grid(gathers.Count, columns);
        string xLabel = options.ReceiverSpacingMeters is null ? "receiver index" : "receiver position (m)";
        string yLabel = options.TimeStepSeconds is null ? "time (samples)" : "time (s)";
        for (int i = 0; i < gathers.Count; i++)
        {
            var map = gathers[i].Map;
            FigureLayout.Heatmap(plots.GetPlot(i), map, gathers[i].Title, range.Widened(), options.Colormap,
                options.AmplitudeLabel, map.Width * options.ReceiverSpacingMeters, xLabel,
                map.Height * options.TimeStepSeconds, yLabel);
        }
        return new Figure(plots, Math.Min(columns, gathers.Count) * options.PanelWidthPixels, rows * options.PanelHeightPixels);
    }

    /// <summary>One shot gather (time samples, receivers); see <see cref="ShotGathers"/>.</summary>
    public static Figure ShotGather(Map2D gather, string title = "shot gather", ShotGatherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(gather);
        return ShotGathers([new MapPanel(title, gather)], options);
    }

    private static ValueRange Union(IEnumerable<ValueRange> ranges) =>
        ranges.Aggregate((a, b) => new ValueRange(Math.Min(a.Min, b.Min), Math.Max(a.Max, b.Max)));
}

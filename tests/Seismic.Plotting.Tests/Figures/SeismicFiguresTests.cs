using ScottPlot;

namespace Seismic.Plotting.Tests.Figures;

public class SeismicFiguresTests
{
    private static readonly Color JetLow = new ScottPlot.Colormaps.Jet().GetColor(0);
    private static readonly Color JetHigh = new ScottPlot.Colormaps.Jet().GetColor(1);

    /// <summary>A 20 x 30 model: slow (1500 m/s) in the top half, fast (4500 m/s) in the bottom half.</summary>
    private static Map2D TwoLayers(int height = 20, int width = 30)
    {
        var v = new float[height * width];
        for (int i = 0; i < v.Length; i++) v[i] = i / width < height / 2 ? 1500f : 4500f;
        return new Map2D(v, height, width);
    }

    private static Map2D Constant(float value, int height = 10, int width = 10) =>
        new(Enumerable.Repeat(value, height * width).ToArray(), height, width);

    [Fact]
    public void Slow_top_layer_is_drawn_at_the_top_of_the_image()
    {
        var figure = SeismicFigures.Maps([MapPanel.Velocity("two layers", TwoLayers())]);
        using var bitmap = Png.Decode(figure.ToPng());

        // Left half only: the colour bar on the right shows the colours the other way round (high at its top).
        var low = Png.Find(bitmap, JetLow, 0, bitmap.Width / 2);
        var high = Png.Find(bitmap, JetHigh, 0, bitmap.Width / 2);
        Assert.True(low.Count > 1000, $"low colour found in {low.Count} pixels");
        Assert.True(high.Count > 1000, $"high colour found in {high.Count} pixels");
        Assert.True(low.Max(p => p.Y) <= high.Min(p => p.Y) + 1,
            $"slow layer spans rows {low.Min(p => p.Y)}..{low.Max(p => p.Y)}, fast layer {high.Min(p => p.Y)}..{high.Max(p => p.Y)}");
    }

    [Fact]
    public void Depth_axis_grows_downward_and_matches_the_layers()
    {
        // 700 m deep: the slow layer spans depth 0..350 m, the fast one 350..700 m.
        var figure = SeismicFigures.Maps([MapPanel.Velocity("two layers", TwoLayers())]);
        using var bitmap = Png.Decode(figure.ToPng());
        var plot = figure.Panel(0);
        var surface = plot.GetPixel(new Coordinates(350, 0));
        var bottom = plot.GetPixel(new Coordinates(350, 700));
        Assert.True(surface.Y < bottom.Y, $"depth 0 m at pixel row {surface.Y}, 700 m at {bottom.Y}");

        var shallow = plot.GetPixel(new Coordinates(350, 175));
        var deep = plot.GetPixel(new Coordinates(350, 525));
        Assert.True(Png.Near(bitmap.GetPixel((int)shallow.X, (int)shallow.Y), JetLow), "175 m deep should be the slow layer");
        Assert.True(Png.Near(bitmap.GetPixel((int)deep.X, (int)deep.Y), JetHigh), "525 m deep should be the fast layer");
    }

    [Fact]
    public void Shot_gather_time_runs_downward()
    {
        // Energy only in the early samples: it must appear near the top.
        int nt = 100, nr = 20;
        var g = new float[nt * nr];
        for (int t = 0; t < 10; t++) for (int r = 0; r < nr; r++) g[t * nr + r] = 1f;
        g[nt * nr - 1] = -1f; // one negative sample so the symmetric range is exercised
        var balanceHigh = new ScottPlot.Colormaps.Balance().GetColor(1);
        var figure = SeismicFigures.ShotGather(new Map2D(g, nt, nr), "shot 0", ShotGatherOptions.Default with { ClipQuantile = 1 });
        using var bitmap = Png.Decode(figure.ToPng());
        var hits = Png.Find(bitmap, balanceHigh, 0, bitmap.Width / 2);
        Assert.NotEmpty(hits);
        Assert.True(hits.Average(p => p.Y) < bitmap.Height * 0.35, $"positive arrivals centred at row {hits.Average(p => p.Y)} of {bitmap.Height}");
    }

    [Fact]
    public void SavePng_writes_a_decodable_png_of_the_stated_size()
    {
        var dir = Directory.CreateTempSubdirectory("plotting-").FullName;
        try
        {
            var path = Path.Combine(dir, "sub", "cmp.png");
            var m = TwoLayers();
            var figure = SeismicFigures.Comparison(m, m.Select(v => 3000), m.Select(v => v + 100));
            figure.SavePng(path);

            var options = MapFigureOptions.Default;
            Assert.Equal(4 * options.PanelWidthPixels, figure.WidthPixels);
            Assert.Equal(options.PanelHeightPixels, figure.HeightPixels);
            using var bitmap = Png.Decode(File.ReadAllBytes(path));
            Assert.Equal(figure.WidthPixels, bitmap.Width);
            Assert.Equal(figure.HeightPixels, bitmap.Height);
            Assert.Equal(["cmp.png"], Directory.GetFiles(Path.Combine(dir, "sub")).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Gallery_lays_out_rows_of_the_given_width()
    {
        var panels = Enumerable.Range(0, 5).Select(i => MapPanel.Velocity($"family {i}", TwoLayers())).ToList();
        var figure = SeismicFigures.Gallery(panels, columns: 3, MapFigureOptions.Default with { PanelWidthPixels = 200, PanelHeightPixels = 180 });
        using var bitmap = Png.Decode(figure.ToPng());
        Assert.Equal((600, 360), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Trajectory_has_a_row_for_states_and_one_for_estimates()
    {
        var steps = new[] { 999, 500, 0 }.Select(n => new TrajectoryStep(n, TwoLayers(), TwoLayers())).ToList();
        var figure = SeismicFigures.Trajectory(steps, MapFigureOptions.Default with { PanelWidthPixels = 200, PanelHeightPixels = 180 });
        Assert.Equal((600, 360), (figure.WidthPixels, figure.HeightPixels));
        using var bitmap = Png.Decode(figure.ToPng());
        Assert.Equal(360, bitmap.Height);
    }

    [Fact]
    public void Manual_velocity_range_sets_the_colours()
    {
        // A constant 1500 m/s map is the first colour on [1500, 4500] and the last colour on [0, 1500].
        var map = Constant(1500);
        using var low = Png.Decode(SeismicFigures.Maps([MapPanel.Velocity("v", map)],
            MapFigureOptions.Default with { VelocityRange = ValueRange.OpenFwiVelocity }).ToPng());
        using var high = Png.Decode(SeismicFigures.Maps([MapPanel.Velocity("v", map)],
            MapFigureOptions.Default with { VelocityRange = new ValueRange(0, 1500) }).ToPng());
        Assert.True(Png.Find(low, JetLow, 0, low.Width / 2).Count > 1000);
        Assert.Empty(Png.Find(low, JetHigh, 0, low.Width / 2));
        Assert.True(Png.Find(high, JetHigh, 0, high.Width / 2).Count > 1000);
    }

    [Fact]
    public void Velocity_panels_share_one_automatic_range()
    {
        var figure = SeismicFigures.Maps([MapPanel.Velocity("slow", Constant(2000)), MapPanel.Velocity("fast", Constant(4000))]);
        using var bitmap = Png.Decode(figure.ToPng());
        int panel = MapFigureOptions.Default.PanelWidthPixels;
        // Each panel's heatmap lies in the left part of its cell (colour bar on the right).
        Assert.True(Png.Find(bitmap, JetLow, 0, panel * 2 / 3).Count > 1000);
        Assert.Empty(Png.Find(bitmap, JetHigh, 0, panel * 2 / 3));
        Assert.True(Png.Find(bitmap, JetHigh, panel, panel + panel * 2 / 3).Count > 1000);
    }

    [Fact]
    public void Non_finite_values_are_rejected_naming_the_panel_and_cell()
    {
        var v = Enumerable.Repeat(2000f, 12).ToArray();
        v[5] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => SeismicFigures.Maps([MapPanel.Velocity("prediction", new Map2D(v, 3, 4))]));
        Assert.Contains("'prediction'", e.Message);
        Assert.Contains("row 1, column 1", e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void Bad_inputs_give_clear_argument_errors()
    {
        Assert.Throws<ArgumentException>(() => SeismicFigures.Maps([]));
        Assert.Throws<ArgumentException>(() => SeismicFigures.Trajectory([]));
        Assert.Throws<ArgumentException>(() => SeismicFigures.ShotGathers([]));
        var e = Assert.Throws<ArgumentException>(() => SeismicFigures.Comparison(Constant(2000, 10, 10), null, Constant(2000, 10, 12)));
        Assert.Contains("10 x 12", e.Message);
        e = Assert.Throws<ArgumentException>(() => SeismicFigures.Maps([MapPanel.Velocity("v", Constant(1))], MapFigureOptions.Default with { PanelWidthPixels = 10 }));
        Assert.Contains(nameof(MapFigureOptions.PanelWidthPixels), e.Message);
        e = Assert.Throws<ArgumentException>(() => SeismicFigures.Maps([MapPanel.Velocity("v", Constant(1))], MapFigureOptions.Default with { VelocityRange = new ValueRange(3, 3) }));
        Assert.Contains(nameof(MapFigureOptions.VelocityRange), e.Message);
        e = Assert.Throws<ArgumentException>(() => SeismicFigures.ShotGather(Constant(1), options: ShotGatherOptions.Default with { ClipQuantile = 0 }));
        Assert.Contains(nameof(ShotGatherOptions.ClipQuantile), e.Message);
        var steps = new[] { new TrajectoryStep(1, Constant(1), Constant(1)), new TrajectoryStep(0, Constant(1)) };
        Assert.Throws<ArgumentException>(() => SeismicFigures.Trajectory(steps));
    }

    [Fact]
    public void Constant_maps_still_render()
    {
        using var bitmap = Png.Decode(SeismicFigures.Maps([MapPanel.Velocity("flat", Constant(3000)), MapPanel.Error("zero error", Constant(0))]).ToPng());
        Assert.True(bitmap.Width > 0);
    }

    [Fact]
    public void Ensemble_std_panel_has_its_own_colour_range_from_zero()
    {
        var truth = TwoLayers();
        var std = TwoLayers().Select(v => v == 1500 ? 0f : 40f);   // 0 and 40 m/s: lost on a 1500..4500 scale
        var figure = SeismicFigures.Ensemble(truth, truth.Select(_ => 3000), truth.Select(v => v + 50), std);
        int w = MapFigureOptions.Default.PanelWidthPixels;
        Assert.Equal(5 * w, figure.WidthPixels);
        using var bitmap = Png.Decode(figure.ToPng());
        var viridis = new ScottPlot.Colormaps.Viridis();
        // Left part of the fourth panel (the colour bar sits on its right).
        Assert.True(Png.Find(bitmap, viridis.GetColor(0), 3 * w, 3 * w + w / 2).Count > 500);
        Assert.True(Png.Find(bitmap, viridis.GetColor(1), 3 * w, 3 * w + w / 2).Count > 500);
        Assert.Throws<ArgumentException>(() => SeismicFigures.Ensemble(truth, null, truth, Constant(1)));
    }

    [Fact]
    public void Histogram_renders_and_rejects_bad_values()
    {
        var figure = SeismicFigures.Histogram([0.1, 0.2, 0.2, 0.25, 0.4], "misfit", "relative L2", bins: 4);
        using var bitmap = Png.Decode(figure.ToPng());
        Assert.Equal((480, 360), (bitmap.Width, bitmap.Height));
        Assert.Equal(360, SeismicFigures.Histogram([3.0, 3.0], "one value", "x").HeightPixels);
        Assert.Throws<ArgumentException>(() => SeismicFigures.Histogram([], "t", "x"));
        Assert.Throws<ArgumentException>(() => SeismicFigures.Histogram([1, double.NaN], "t", "x"));
        Assert.Throws<ArgumentException>(() => SeismicFigures.Histogram([1.0], "t", "x", bins: 0));
    }
}

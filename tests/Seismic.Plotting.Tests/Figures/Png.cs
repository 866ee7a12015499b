using SkiaSharp;

namespace Seismic.Plotting.Tests.Figures;

/// <summary>Decodes PNGs and finds where colours land, for orientation and range checks.</summary>
internal static class Png
{
    public static SKBitmap Decode(byte[] png) =>
        SKBitmap.Decode(png) ?? throw new InvalidOperationException("PNG did not decode.");

    public static bool Near(SKColor a, ScottPlot.Color b, int tolerance = 12) =>
        Math.Abs(a.Red - b.R) <= tolerance && Math.Abs(a.Green - b.G) <= tolerance && Math.Abs(a.Blue - b.B) <= tolerance;

    /// <summary>Pixels of <paramref name="bitmap"/> within the column band [x0, x1) close to <paramref name="color"/>.</summary>
    public static List<(int X, int Y)> Find(SKBitmap bitmap, ScottPlot.Color color, int x0, int x1)
    {
        var hits = new List<(int, int)>();
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = x0; x < x1; x++)
                if (Near(bitmap.GetPixel(x, y), color)) hits.Add((x, y));
        return hits;
    }
}

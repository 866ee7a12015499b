using ScottPlot;

namespace Seismic.Plotting;

/// <summary>
/// A composed figure of one or more panels, ready to render. Build one with <see cref="SeismicFigures"/>,
/// then <see cref="SavePng"/> it or take its bytes with <see cref="ToPng"/>.
/// </summary>
public sealed class Figure
{
    private readonly Multiplot _plots;

    internal Figure(Multiplot plots, int widthPixels, int heightPixels)
    {
        _plots = plots;
        WidthPixels = widthPixels;
        HeightPixels = heightPixels;
    }

    /// <summary>Width of the rendered image in pixels (panel width x columns).</summary>
    public int WidthPixels { get; }

    /// <summary>Height of the rendered image in pixels (panel height x rows).</summary>
    public int HeightPixels { get; }

    /// <summary>The ScottPlot plot of panel <paramref name="index"/> (for tests: map coordinates to pixels).</summary>
    internal Plot Panel(int index) => _plots.GetPlot(index);

    /// <summary>Renders the figure to PNG bytes.</summary>
    public byte[] ToPng()
    {
        lock (_plots)
        {
            using var image = _plots.Render(WidthPixels, HeightPixels);
            return image.GetImageBytes(ImageFormat.Png, 100);
        }
    }

    /// <summary>
    /// Renders the figure and writes it to <paramref name="path"/> as PNG, atomically: the bytes go to a temporary
    /// file in the same folder that is then renamed over the target, so readers never see a half-written image.
    /// The folder is created when missing.
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void SavePng(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var bytes = ToPng();
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = $"{full}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}

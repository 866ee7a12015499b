using Seismic.Data.OpenFwi;
using Seismic.Plotting;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>
/// Turns normalised velocity maps back into m/s (the inverse of OpenFWI's label normalisation, with the dataset's
/// label_min/label_max; 1500..4500 m/s, i.e. v * 1500 + 3000, when unknown) and draws them, depth downward.
/// </summary>
internal static class ResultFigures
{
    /// <summary>The m/s scale of a dataset: <c>v_mps = v * Half + Mid</c>.</summary>
    public static (float Half, float Mid) Scale(OpenFwiDatasetInfo? info)
    {
        double low = info?.LabelMin ?? 1500, high = info?.LabelMax ?? 4500;
        return ((float)((high - low) / 2), (float)((high + low) / 2));
    }

    public static Map2D MetersPerSecond(ReadOnlySpan<float> normalised, int size, OpenFwiDatasetInfo? info = null)
    {
        var (half, mid) = Scale(info);
        return new Map2D(normalised, size, size).Select(v => v * half + mid);
    }

    /// <summary>Truth, smoothed input x1, prediction and error, with colour bars in m/s.</summary>
    public static void Comparison(string path, int size, ReadOnlySpan<float> truth, ReadOnlySpan<float> x1, ReadOnlySpan<float> prediction,
                                  OpenFwiDatasetInfo? info = null)
    {
        var figure = SeismicFigures.Comparison(MetersPerSecond(truth, size, info), MetersPerSecond(x1, size, info), MetersPerSecond(prediction, size, info));
        figure.SavePng(path);
    }
}

using Seismic.Plotting;
using Seismic.Training;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>Turns normalised velocity maps into figures in m/s (v * 1500 + 3000), depth downward.</summary>
internal static class ResultFigures
{
    public static Map2D MetersPerSecond(ReadOnlySpan<float> normalised, int size)
    {
        var map = new Map2D(normalised, size, size);
        return map.Select(v => v * 1500f + 3000f);
    }

    /// <summary>Truth, smoothed input x1, prediction and error, with colour bars in m/s.</summary>
    public static void Comparison(string path, int size, ReadOnlySpan<float> truth, ReadOnlySpan<float> x1, ReadOnlySpan<float> prediction)
    {
        var figure = SeismicFigures.Comparison(MetersPerSecond(truth, size), MetersPerSecond(x1, size), MetersPerSecond(prediction, size));
        figure.SavePng(path);
    }

    public static void Comparison(string path, VelocityExample e) => Comparison(path, e.Size, e.Truth, e.Input, e.Prediction);
}

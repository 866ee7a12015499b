using Seismic.Data.OpenFwi;
using Seismic.Data.Transforms;
using Seismic.Plotting;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>
/// Turns normalised velocity maps back into m/s (the inverse of OpenFWI's label normalisation, with the dataset's
/// label_min/label_max; 1500..4500 m/s, i.e. v * 1500 + 3000, when unknown) and draws them, depth downward.
/// </summary>
internal static class ResultFigures
{
    /// <summary>The m/s scale of a dataset: <c>v_mps = v * Half + Mid</c>.</summary>
    public static (float Half, float Mid) Scale(OpenFwiDataset? info)
    {
        var normalization = Normalization(info);
        return ((float)normalization.MetersPerSecondPerUnit, normalization.DenormalizeVelocity(0f));
    }

    /// <summary>The dataset's normalisation; the OpenFWI bounds (shared by all ten datasets) when unknown.</summary>
    public static OpenFwiNormalization Normalization(OpenFwiDataset? info) =>
        new(info ?? OpenFwiConfig.Default["FlatVel_A"]);

    public static Map2D MetersPerSecond(ReadOnlySpan<float> normalised, int size, OpenFwiDataset? info = null) =>
        new Map2D(normalised, size, size).Select(Normalization(info).DenormalizeVelocity);

    /// <summary>Truth, smoothed input x1, prediction and error, with colour bars in m/s.</summary>
    public static void Comparison(string path, int size, ReadOnlySpan<float> truth, ReadOnlySpan<float> x1, ReadOnlySpan<float> prediction,
                                  OpenFwiDataset? info = null)
    {
        var figure = SeismicFigures.Comparison(MetersPerSecond(truth, size, info), MetersPerSecond(x1, size, info), MetersPerSecond(prediction, size, info));
        figure.SavePng(path);
    }

    /// <summary>
    /// Truth, x1, the prediction and the refined model, with the errors of both, at the native grid where the refinement
    /// works (the S x S maps are resized bilinearly, as the 70 x 70 metrics are); m/s.
    /// </summary>
    public static void Refinement(string path, int size, int nativeSize, ReadOnlySpan<float> truth, ReadOnlySpan<float> x1,
                                  ReadOnlySpan<float> prediction, ReadOnlySpan<float> refinedNative, OpenFwiDataset? info = null)
    {
        Map2D Native(ReadOnlySpan<float> map)
        {
            var resized = new float[nativeSize * nativeSize];
            BilinearResize.Resize(map, 1, size, size, resized, nativeSize, nativeSize);
            return MetersPerSecond(resized, nativeSize, info);
        }
        var t = Native(truth);
        var p = Native(prediction);
        var r = MetersPerSecond(refinedNative, nativeSize, info);
        SeismicFigures.Maps(
        [
            MapPanel.Velocity("truth", t), MapPanel.Velocity("prediction", p), MapPanel.Velocity("refined (FWI)", r),
            MapPanel.Velocity("smoothed input x1", Native(x1)),
            MapPanel.Error("error (prediction - truth)", p.Minus(t)), MapPanel.Error("error (refined - truth)", r.Minus(t)),
        ], MapFigureOptions.Default with { Columns = 3 }).SavePng(path);
    }
}

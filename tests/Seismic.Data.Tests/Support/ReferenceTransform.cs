using Seismic.Data.OpenFwi;

namespace Seismic.Data.Tests.Support;

/// <summary>
/// An independent, deliberately naive reference: normalise the whole array (float64, as the formulas in docs/data.md, "Normalisation and resizing"), then
/// resize with the textbook per-pixel bilinear formula (half-pixel centres, align_corners=false).
/// </summary>
internal static class ReferenceTransform
{
    public static double[] NormalizeSeismic(ReadOnlySpan<float> x, OpenFwiDataset info)
    {
        static double G(double v) => Math.Sign(v) * Math.Log(1 + Math.Abs(v));
        var r = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
            r[i] = ((G(x[i]) - G(info.DataMin)) / (G(info.DataMax) - G(info.DataMin)) - 0.5) * 2;
        return r;
    }

    public static double[] NormalizeVelocity(ReadOnlySpan<float> v, OpenFwiDataset info)
    {
        var r = new double[v.Length];
        for (int i = 0; i < v.Length; i++) r[i] = ((v[i] - info.LabelMin) / (info.LabelMax - info.LabelMin) - 0.5) * 2;
        return r;
    }

    public static double[] Resize(double[] src, int channels, int h, int w, int oh, int ow)
    {
        var dst = new double[channels * oh * ow];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                {
                    double sy = Math.Max((y + 0.5) * h / oh - 0.5, 0), sx = Math.Max((x + 0.5) * w / ow - 0.5, 0);
                    int y0 = (int)Math.Floor(sy), x0 = (int)Math.Floor(sx);
                    int y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
                    double ly = sy - y0, lx = sx - x0;
                    double At(int yy, int xx) => src[(c * h + yy) * w + xx];
                    dst[(c * oh + y) * ow + x] = (1 - ly) * ((1 - lx) * At(y0, x0) + lx * At(y0, x1)) + ly * ((1 - lx) * At(y1, x0) + lx * At(y1, x1));
                }
        return dst;
    }
}

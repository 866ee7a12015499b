namespace Seismic.Physics.Propagation;

/// <summary>OpenFWI's sponge: quadratic damping in the padding, no free surface.</summary>
internal static class SpongeProfile
{
    /// <summary>
    /// <c>damp(i) = kappa0 (i dx / a)^2</c> for i = 0..nbc-1 counted outward from the interior, with
    /// <c>a = (nbc - 1) dx</c> and <c>kappa0 = 3 vmin ln(1e7) / (2 a)</c>; units 1/s.
    /// </summary>
    public static double[] Damping1D(int nbc, double dx, double vmin)
    {
        double a = (nbc - 1) * dx;
        double kappa0 = 3 * vmin * Math.Log(1e7) / (2 * a);
        var d = new double[nbc];
        for (int i = 0; i < nbc; i++)
        {
            double r = i * dx / a;
            d[i] = kappa0 * r * r;
        }
        return d;
    }

    /// <summary>
    /// The damping (times dt) split into its two strips: <paramref name="kappaCols"/> (padded width) holds the left and right
    /// strips, which span the full padded height (so the corners are damped by their horizontal distance only);
    /// <paramref name="kappaRows"/> (padded height) holds the top and bottom strips, which cover the interior columns only
    /// (<paramref name="interiorCols"/> is 1 there, 0 elsewhere). kappa(r, c) = kappaCols[c] + kappaRows[r] interiorCols[c].
    /// </summary>
    public static void Fill(Span<float> kappaCols, Span<float> kappaRows, Span<float> interiorCols, int nz, int nx, int nbc, double dx, double dt, double vmin)
    {
        var d = Damping1D(nbc, dx, vmin);
        kappaCols.Clear();
        kappaRows.Clear();
        interiorCols.Clear();
        interiorCols.Slice(nbc, nx).Fill(1f);
        for (int i = 0; i < nbc; i++)
        {
            float k = (float)(d[i] * dt);
            kappaCols[nbc - 1 - i] = k;
            kappaCols[nbc + nx + i] = k;
            kappaRows[nbc - 1 - i] = k;
            kappaRows[nbc + nz + i] = k;
        }
    }
}

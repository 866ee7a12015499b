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
    /// Fills <paramref name="kappa"/> (padded grid, row-major) with <c>damp * dt</c>. The left and right strips span the full
    /// padded height (so the corners are damped by their horizontal distance only); the top and bottom strips cover the
    /// interior columns; the interior is zero.
    /// </summary>
    public static void Fill(Span<float> kappa, int nz, int nx, int nbc, double dx, double dt, double vmin)
    {
        var d = Damping1D(nbc, dx, vmin);
        int nzp = nz + 2 * nbc, nxp = nx + 2 * nbc;
        kappa.Clear();
        for (int r = 0; r < nzp; r++)
        {
            var row = kappa.Slice(r * nxp, nxp);
            for (int i = 0; i < nbc; i++)
            {
                row[nbc - 1 - i] = (float)(d[i] * dt);
                row[nbc + nx + i] = (float)(d[i] * dt);
            }
        }
        for (int i = 0; i < nbc; i++)
        {
            kappa.Slice((nbc - 1 - i) * nxp + nbc, nx).Fill((float)(d[i] * dt));
            kappa.Slice((nbc + nz + i) * nxp + nbc, nx).Fill((float)(d[i] * dt));
        }
    }
}

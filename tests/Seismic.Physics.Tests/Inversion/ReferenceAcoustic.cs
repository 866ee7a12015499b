using Seismic.Physics.Acquisition;
using Seismic.Physics.Propagation;

namespace Seismic.Physics.Tests.Inversion;

/// <summary>
/// A test oracle: the OpenFWI scheme transcribed plainly in float64 (whole padded grid, every step, modulo indexing for
/// the wrap), and its discrete adjoint in the multiplier form <c>mu[n] = (2 - kappa) mu[n+1] - (1 - kappa) mu[n+2] +
/// L(alpha mu[n+1]) + R^T r[n]</c> with every wavefield stored. Independent of the library's kernel, its skipped cells,
/// its checkpoints and its <c>nu = alpha mu</c> rewriting. Small grids only.
/// </summary>
internal sealed class ReferenceAcoustic(AcquisitionOptions acq, double spongeVelocity)
{
    private readonly int _nz = acq.ModelDepth, _nx = acq.ModelWidth, _nbc = acq.BoundaryCells;
    private int Nzp => _nz + 2 * _nbc;
    private int Nxp => _nx + 2 * _nbc;

    /// <summary>Records (shots, nt, receivers) of <paramref name="v"/>.</summary>
    public double[] Forward(double[] v)
    {
        var records = new double[acq.SeismicSize];
        for (int s = 0; s < acq.ShotCount; s++) Shot(v, s, records.AsSpan(s * acq.TimeSamples * acq.ReceiverCount), null);
        return records;
    }

    /// <summary>J = ||d - obs||^2 / (2 ||obs||^2).</summary>
    public double Misfit(double[] v, double[] observed)
    {
        var d = Forward(v);
        double num = 0, den = 0;
        for (int i = 0; i < d.Length; i++) { num += (d[i] - observed[i]) * (d[i] - observed[i]); den += observed[i] * observed[i]; }
        return num / (2 * den);
    }

    /// <summary>dJ/dv by the adjoint in multiplier form.</summary>
    public double[] Gradient(double[] v, double[] observed)
    {
        double den = observed.Sum(x => x * x);
        var grad = new double[v.Length];
        int nt = acq.TimeSamples, nrec = acq.ReceiverCount, nzp = Nzp, nxp = Nxp;
        var alpha = Alpha(v);
        var kappa = Kappa();
        var w = RickerWavelet.Create(acq.Frequency, acq.Dt, nt);
        for (int s = 0; s < acq.ShotCount; s++)
        {
            var rec = new double[nt * nrec];
            var u = new double[nt + 1][]; // u[n], n = 0..nt
            Shot(v, s, rec, u);
            var res = new double[nt * nrec];
            for (int i = 0; i < res.Length; i++) res[i] = (rec[i] - observed[s * nt * nrec + i]) / den;

            var gAlpha = new double[nzp * nxp];
            double gScale = 0;
            double[] mu1 = new double[nzp * nxp], mu2 = new double[nzp * nxp]; // mu[n+1], mu[n+2]
            var src = acq.Sources[s];
            int srcCell = (src.Z + _nbc) * nxp + src.X + _nbc;
            for (int n = nt - 1; n >= 0; n--)
            {
                var am = new double[nzp * nxp];
                for (int i = 0; i < am.Length; i++) am[i] = alpha[i] * mu1[i];
                var lam = Laplacian(am);
                var mu = new double[nzp * nxp];
                for (int i = 0; i < mu.Length; i++) mu[i] = (2 - kappa[i]) * mu1[i] - (1 - kappa[i]) * mu2[i] + lam[i];
                for (int g = 0; g < nrec; g++)
                {
                    var p = acq.Receivers[g];
                    mu[(p.Z + _nbc) * nxp + p.X + _nbc] += res[n * nrec + g];
                }
                var lu = Laplacian(u[n]);
                for (int i = 0; i < mu.Length; i++) gAlpha[i] += mu[i] * lu[i];
                gScale += mu[srcCell] * w[n];
                mu2 = mu1;
                mu1 = mu;
            }
            for (int r = 0; r < nzp; r++)
            {
                for (int c = 0; c < nxp; c++)
                {
                    int cell = Math.Clamp(r - _nbc, 0, _nz - 1) * _nx + Math.Clamp(c - _nbc, 0, _nx - 1);
                    grad[cell] += gAlpha[r * nxp + c] * 2 * alpha[r * nxp + c] / v[cell];
                }
            }
            int vs = src.Z * _nx + src.X;
            grad[vs] += gScale * 2 * v[vs] * acq.Dt * acq.Dt;
        }
        return grad;
    }

    private void Shot(double[] v, int shot, Span<double> record, double[][]? keep)
    {
        int nt = acq.TimeSamples, nrec = acq.ReceiverCount, nzp = Nzp, nxp = Nxp;
        var alpha = Alpha(v);
        var kappa = Kappa();
        var w = RickerWavelet.Create(acq.Frequency, acq.Dt, nt);
        var src = acq.Sources[shot];
        double vs = v[src.Z * _nx + src.X] * acq.Dt;
        double scale = vs * vs;
        var prev = new double[nzp * nxp];
        var cur = new double[nzp * nxp];
        if (keep is not null) keep[0] = (double[])cur.Clone();
        for (int n = 0; n < nt; n++)
        {
            var lap = Laplacian(cur);
            var next = new double[nzp * nxp];
            for (int i = 0; i < next.Length; i++)
                next[i] = (2 - kappa[i]) * cur[i] - (1 - kappa[i]) * prev[i] + alpha[i] * lap[i];
            next[(src.Z + _nbc) * nxp + src.X + _nbc] += scale * w[n];
            for (int g = 0; g < nrec; g++)
            {
                var p = acq.Receivers[g];
                record[n * nrec + g] = next[(p.Z + _nbc) * nxp + p.X + _nbc];
            }
            prev = cur;
            cur = next;
            if (keep is not null) keep[n + 1] = cur;
        }
    }

    private double[] Alpha(double[] v)
    {
        var a = new double[Nzp * Nxp];
        for (int r = 0; r < Nzp; r++)
        {
            for (int c = 0; c < Nxp; c++)
            {
                double k = v[Math.Clamp(r - _nbc, 0, _nz - 1) * _nx + Math.Clamp(c - _nbc, 0, _nx - 1)] * acq.Dt / acq.Dx;
                a[r * Nxp + c] = k * k;
            }
        }
        return a;
    }

    private double[] Kappa()
    {
        // OpenFWI's sponge: side strips over the full height win in the corners; top/bottom strips over the interior columns.
        var d = SpongeProfile.Damping1D(_nbc, acq.Dx, spongeVelocity);
        var k = new double[Nzp * Nxp];
        for (int r = 0; r < Nzp; r++)
        {
            for (int c = 0; c < Nxp; c++)
            {
                double value = 0;
                if (c < _nbc) value = d[_nbc - 1 - c];
                else if (c >= _nbc + _nx) value = d[c - _nbc - _nx];
                else if (r < _nbc) value = d[_nbc - 1 - r];
                else if (r >= _nbc + _nz) value = d[r - _nbc - _nz];
                k[r * Nxp + c] = value * acq.Dt;
            }
        }
        return k;
    }

    private double[] Laplacian(double[] p)
    {
        int nzp = Nzp, nxp = Nxp;
        var l = new double[p.Length];
        double At(int r, int c) => p[((r % nzp + nzp) % nzp) * nxp + (c % nxp + nxp) % nxp];
        for (int r = 0; r < nzp; r++)
        {
            for (int c = 0; c < nxp; c++)
            {
                double s1 = At(r - 1, c) + At(r + 1, c) + At(r, c - 1) + At(r, c + 1);
                double s2 = At(r - 2, c) + At(r + 2, c) + At(r, c - 2) + At(r, c + 2);
                l[r * nxp + c] = -5 * At(r, c) + 4.0 / 3 * s1 - 1.0 / 12 * s2;
            }
        }
        return l;
    }
}

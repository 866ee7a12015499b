using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Seismic.Physics.Propagation;

/// <summary>A rectangle of padded-grid cells, bounds inclusive.</summary>
internal readonly record struct CellBox(int R0, int R1, int C0, int C1);

/// <summary>
/// One time step of the constant-density acoustic scheme on the padded grid, in float32:
/// <c>p_new = 2 p - p_old + alpha lap(p) + kappa (p_old - p)</c> with the 4th-order Laplacian
/// <c>lap = -5 p + 4/3 sum(+-1) - 1/12 sum(+-2)</c> (both axes), which is SPEC's
/// <c>(2 + 2 c0 alpha - kappa) p - (1 - kappa) p_old + alpha (c1 sum + c2 sum)</c> rearranged.
/// The Laplacian wraps periodically at the padded grid's edges; only the two outermost rows and columns need the
/// (scalar, modulo-indexed) wrap, everything else runs through SIMD with plain offsets.
/// </summary>
internal static unsafe class WaveKernel
{
    private const float C1 = 4f / 3f;
    private const float C2 = -1f / 12f;

    /// <summary>
    /// Overwrites <paramref name="next"/> (holding <c>p_old</c> on entry) with <c>p_new</c> inside <paramref name="box"/>.
    /// In-place is exact: a cell's new value reads only its own <c>p_old</c>.
    /// </summary>
    public static void Step(float* next, float* cur, float* alpha, float* kappa, int nzp, int nxp, CellBox box)
    {
        for (int r = box.R0; r <= box.R1; r++)
        {
            if (r < 2 || r >= nzp - 2)
            {
                for (int c = box.C0; c <= box.C1; c++) Wrapped(next, cur, alpha, kappa, nzp, nxp, r, c);
                continue;
            }
            int col = box.C0;
            for (; col <= box.C1 && col < 2; col++) Wrapped(next, cur, alpha, kappa, nzp, nxp, r, col);
            int last = Math.Min(box.C1, nxp - 3);
            long row = (long)r * nxp;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; col + Vector512<float>.Count - 1 <= last; col += Vector512<float>.Count)
                    Vector512Cell(next, cur, alpha, kappa, nxp, row + col);
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; col + Vector256<float>.Count - 1 <= last; col += Vector256<float>.Count)
                    Vector256Cell(next, cur, alpha, kappa, nxp, row + col);
            }
            for (; col <= box.C1; col++) Wrapped(next, cur, alpha, kappa, nzp, nxp, r, col);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Vector512Cell(float* next, float* cur, float* alpha, float* kappa, int nxp, long i)
    {
        float* c = cur + i;
        var p = Vector512.Load(c);
        var s1 = (Vector512.Load(c - 1) + Vector512.Load(c + 1)) + (Vector512.Load(c - nxp) + Vector512.Load(c + nxp));
        var s2 = (Vector512.Load(c - 2) + Vector512.Load(c + 2)) + (Vector512.Load(c - 2 * nxp) + Vector512.Load(c + 2 * nxp));
        var lap = Vector512.FusedMultiplyAdd(s1, Vector512.Create(C1), Vector512.FusedMultiplyAdd(s2, Vector512.Create(C2), p * Vector512.Create(-5f)));
        var old = Vector512.Load(next + i);
        var res = Vector512.FusedMultiplyAdd(Vector512.Load(alpha + i), lap,
                  Vector512.FusedMultiplyAdd(Vector512.Load(kappa + i), old - p, (p + p) - old));
        res.Store(next + i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Vector256Cell(float* next, float* cur, float* alpha, float* kappa, int nxp, long i)
    {
        float* c = cur + i;
        var p = Vector256.Load(c);
        var s1 = (Vector256.Load(c - 1) + Vector256.Load(c + 1)) + (Vector256.Load(c - nxp) + Vector256.Load(c + nxp));
        var s2 = (Vector256.Load(c - 2) + Vector256.Load(c + 2)) + (Vector256.Load(c - 2 * nxp) + Vector256.Load(c + 2 * nxp));
        var lap = Vector256.FusedMultiplyAdd(s1, Vector256.Create(C1), Vector256.FusedMultiplyAdd(s2, Vector256.Create(C2), p * Vector256.Create(-5f)));
        var old = Vector256.Load(next + i);
        var res = Vector256.FusedMultiplyAdd(Vector256.Load(alpha + i), lap,
                  Vector256.FusedMultiplyAdd(Vector256.Load(kappa + i), old - p, (p + p) - old));
        res.Store(next + i);
    }

    private static void Wrapped(float* next, float* cur, float* alpha, float* kappa, int nzp, int nxp, int r, int c)
    {
        float At(int rr, int cc) => cur[(long)((rr + nzp) % nzp) * nxp + (cc + nxp) % nxp];
        long i = (long)r * nxp + c;
        float p = cur[i];
        float s1 = (At(r, c - 1) + At(r, c + 1)) + (At(r - 1, c) + At(r + 1, c));
        float s2 = (At(r, c - 2) + At(r, c + 2)) + (At(r - 2, c) + At(r + 2, c));
        float lap = MathF.FusedMultiplyAdd(s1, C1, MathF.FusedMultiplyAdd(s2, C2, p * -5f));
        float old = next[i];
        next[i] = MathF.FusedMultiplyAdd(alpha[i], lap, MathF.FusedMultiplyAdd(kappa[i], old - p, (p + p) - old));
    }
}

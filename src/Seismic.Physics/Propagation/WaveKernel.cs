using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Seismic.Physics.Propagation;

/// <summary>A rectangle of padded-grid cells to update in one step, bounds inclusive.</summary>
internal readonly record struct CellBox(int R0, int R1, int C0, int C1)
{
    public bool Contains(int r, int c) => r >= R0 && r <= R1 && c >= C0 && c <= C1;
}

/// <summary>
/// Memory layout of a wavefield: the padded grid (nzp x nxp) surrounded by a 2-cell halo that holds the periodic wrap
/// (the stencil's reach), rows <see cref="Stride"/> floats apart with slack on the right so that a row's last SIMD vector
/// may read past its end. Cell (r, c) of the padded grid lives at <see cref="Index"/>.
/// </summary>
internal readonly struct FieldLayout(int nzp, int nxp)
{
    public const int Halo = 2;
    public const int Slack = 16;
    public readonly int Nzp = nzp;
    public readonly int Nxp = nxp;
    public readonly int Stride = nxp + 2 * Halo + Slack;

    public int Length => (Nzp + 2 * Halo) * Stride + Slack;

    /// <summary>The layout of <paramref name="acq"/>'s padded grid (the model plus the sponge on every side).</summary>
    public static FieldLayout Of(Acquisition.AcquisitionOptions acq) =>
        new(acq.ModelDepth + 2 * acq.BoundaryCells, acq.ModelWidth + 2 * acq.BoundaryCells);

    public int Index(int r, int c) => (r + Halo) * Stride + c + Halo;
}

/// <summary>
/// The scheme's coefficients, stored compactly so that a shot's working set (two wavefields plus these) fits a core's L2:
/// <c>alpha</c> of padded row r is row <c>clamp(r - nbc)</c> of the model-rows alpha table (edge replication makes the padded
/// rows repeat), and <c>kappa(r, c) = KappaCols[c] + KappaRows[r] * InteriorCols[c]</c>, which is exact because the side
/// strips (which win in the corners) and the top/bottom strips never overlap in this sum. Rows are read up to
/// <see cref="FieldLayout.Slack"/> floats past their end, so every table carries that slack.
/// </summary>
internal unsafe readonly struct Coefficients(float* alphaRows, float* kappaCols, float* interiorCols, float* kappaRows, int nz, int nbc, int nxp)
{
    public readonly float* KappaCols = kappaCols;
    public readonly float* InteriorCols = interiorCols;
    public readonly float* KappaRows = kappaRows;

    /// <summary>The (padded-width) alpha row used by padded row <paramref name="r"/>.</summary>
    public float* AlphaRow(int r) => alphaRows + (long)Math.Clamp(r - nbc, 0, nz - 1) * nxp;
}

/// <summary>
/// One time step of the constant-density acoustic scheme on the padded grid, in float32:
/// <c>p_new = 2 p - p_old + alpha lap(p) + kappa (p_old - p)</c> with the 4th-order Laplacian
/// <c>lap = -5 p + 4/3 sum(+-1) - 1/12 sum(+-2)</c> (both axes), which is OpenFWI's update
/// <c>(2 + 2 c0 alpha - kappa) p - (1 - kappa) p_old + alpha (c1 sum + c2 sum)</c> rearranged (docs/physics.md, "The forward model").
/// The Laplacian wraps periodically at the padded grid's edges: <see cref="FillHalo"/> copies the two outermost rows and
/// columns to the opposite halo, so the update itself is one branch-free SIMD loop over every row.
/// </summary>
internal static unsafe class WaveKernel
{
    private const float C1 = 4f / 3f;
    private const float C2 = -1f / 12f;

    /// <summary>Copies the periodic wrap of <paramref name="field"/> into its halo (only the cross-shaped stencil's reach: no corners).</summary>
    public static void FillHalo(float* field, in FieldLayout g)
    {
        FillRowHalo(field, g);
        for (int r = 0; r < g.Nzp; r++) FillColumnHalo(field, g, r);
    }

    /// <summary>Copies the two outermost rows to the opposite halo rows (real columns only).</summary>
    public static void FillRowHalo(float* field, in FieldLayout g)
    {
        long rowBytes = g.Nxp * sizeof(float);
        for (int h = 1; h <= FieldLayout.Halo; h++)
        {
            Buffer.MemoryCopy(field + g.Index(g.Nzp - h, 0), field + g.Index(-h, 0), rowBytes, rowBytes);
            Buffer.MemoryCopy(field + g.Index(h - 1, 0), field + g.Index(g.Nzp + h - 1, 0), rowBytes, rowBytes);
        }
    }

    /// <summary>Copies row <paramref name="r"/>'s two outermost columns to its opposite halo columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FillColumnHalo(float* field, in FieldLayout g, int r)
    {
        float* row = field + g.Index(r, 0);
        row[-1] = row[g.Nxp - 1];
        row[-2] = row[g.Nxp - 2];
        row[g.Nxp] = row[0];
        row[g.Nxp + 1] = row[1];
    }

    /// <summary>
    /// Writes <c>p_new</c> into columns <paramref name="c0"/>..<paramref name="c1"/> of padded row <paramref name="r"/> of
    /// <paramref name="next"/> from <paramref name="cur"/> and <paramref name="old"/>; other cells keep their values.
    /// <paramref name="old"/> may be <paramref name="next"/> (in place is exact: a cell's new value reads only its own
    /// <c>p_old</c>). Rows r-2..r+2 of <paramref name="cur"/> must be current, including their halo columns (and halo rows)
    /// when the update reaches the two outermost columns (rows).
    /// </summary>
    public static void StepRow(float* next, float* cur, float* old, in Coefficients k, in FieldLayout g, int r, int c0, int c1)
    {
        int width = c1 - c0 + 1;
        long at = g.Index(r, c0);
        float* alpha = k.AlphaRow(r) + c0;
        float* kappaCols = k.KappaCols + c0;
        float* interior = k.InteriorCols + c0;
        float kappaRow = k.KappaRows[r];
        if (Vector512.IsHardwareAccelerated)
            Row512(next + at, cur + at, old + at, alpha, kappaCols, interior, kappaRow, g.Stride, width);
        else if (Vector256.IsHardwareAccelerated)
            Row256(next + at, cur + at, old + at, alpha, kappaCols, interior, kappaRow, g.Stride, width);
        else
            RowScalar(next + at, cur + at, old + at, alpha, kappaCols, interior, kappaRow, g.Stride, width);
    }

    /// <summary>
    /// The step of <see cref="StepRow"/> in place (<paramref name="next"/> holds <c>p_old</c>), also writing the Laplacian of
    /// <paramref name="cur"/> into the same cells of <paramref name="laplacian"/>: the forward recomputation for the adjoint,
    /// which needs <c>lap(p)</c> of every step.
    /// </summary>
    public static void StepRowKeepingLaplacian(float* next, float* cur, float* laplacian, in Coefficients k, in FieldLayout g, int r, int c0, int c1)
    {
        int width = c1 - c0 + 1, stride = g.Stride;
        long at = g.Index(r, c0);
        next += at; cur += at; laplacian += at;
        float* alpha = k.AlphaRow(r) + c0, kappaCols = k.KappaCols + c0, interior = k.InteriorCols + c0;
        float kappaRow = k.KappaRows[r];
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var kr = Vector256.Create(kappaRow);
            for (; i + Vector256<float>.Count <= width; i += Vector256<float>.Count)
            {
                var lap = Laplacian256(cur + i, stride);
                lap.Store(laplacian + i);
                Combine256(next + i, cur + i, lap, alpha + i, kappaCols + i, interior + i, kr).Store(next + i);
            }
        }
        for (; i < width; i++)
        {
            float lap = LaplacianScalar(cur + i, stride);
            laplacian[i] = lap;
            next[i] = CombineScalar(next[i], cur[i], lap, alpha[i], MathF.FusedMultiplyAdd(interior[i], kappaRow, kappaCols[i]));
        }
    }

    /// <summary>
    /// The step of <see cref="StepRow"/> in place (<paramref name="next"/> holds <c>p_old</c>), then
    /// <c>sum += p_new * factor</c> over the same cells: the adjoint step fused with its gradient term.
    /// </summary>
    public static void StepRowAccumulating(float* next, float* cur, float* factor, float* sum, in Coefficients k, in FieldLayout g, int r, int c0, int c1)
    {
        int width = c1 - c0 + 1, stride = g.Stride;
        long at = g.Index(r, c0);
        next += at; cur += at; factor += at; sum += at;
        float* alpha = k.AlphaRow(r) + c0, kappaCols = k.KappaCols + c0, interior = k.InteriorCols + c0;
        float kappaRow = k.KappaRows[r];
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var kr = Vector256.Create(kappaRow);
            for (; i + Vector256<float>.Count <= width; i += Vector256<float>.Count)
            {
                var value = Combine256(next + i, cur + i, Laplacian256(cur + i, stride), alpha + i, kappaCols + i, interior + i, kr);
                value.Store(next + i);
                Vector256.FusedMultiplyAdd(value, Vector256.Load(factor + i), Vector256.Load(sum + i)).Store(sum + i);
            }
        }
        for (; i < width; i++)
        {
            float value = CombineScalar(next[i], cur[i], LaplacianScalar(cur + i, stride), alpha[i], MathF.FusedMultiplyAdd(interior[i], kappaRow, kappaCols[i]));
            next[i] = value;
            sum[i] = MathF.FusedMultiplyAdd(value, factor[i], sum[i]);
        }
    }

    /// <summary>Adds the squares of <paramref name="values"/> to <paramref name="sum"/> over one row's columns (the illumination).</summary>
    public static void AccumulateSquares(float* sum, float* values, in FieldLayout g, int r, int c0, int c1)
    {
        int at = g.Index(r, c0);
        float* s = sum + at, v = values + at;
        for (int i = 0; i <= c1 - c0; i++) s[i] = MathF.FusedMultiplyAdd(v[i], v[i], s[i]);
    }

    // The scheme's arithmetic in two parts, the Laplacian and the update, so that the Laplacian can be kept or reused:
    // the 256-bit and scalar steps, the recomputation and the adjoint all go through them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Laplacian256(float* c, int stride)
    {
        var s1 = (Vector256.Load(c - 1) + Vector256.Load(c + 1)) + (Vector256.Load(c - stride) + Vector256.Load(c + stride));
        var s2 = (Vector256.Load(c - 2) + Vector256.Load(c + 2)) + (Vector256.Load(c - 2 * stride) + Vector256.Load(c + 2 * stride));
        return Vector256.FusedMultiplyAdd(s1, Vector256.Create(C1), Vector256.FusedMultiplyAdd(s2, Vector256.Create(C2), Vector256.Load(c) * Vector256.Create(-5f)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Combine256(float* previous, float* c, Vector256<float> lap, float* alpha, float* kappaCols, float* interior, Vector256<float> kappaRow)
    {
        var kappa = Vector256.FusedMultiplyAdd(Vector256.Load(interior), kappaRow, Vector256.Load(kappaCols));
        var p = Vector256.Load(c);
        var old = Vector256.Load(previous);
        return Vector256.FusedMultiplyAdd(Vector256.Load(alpha), lap, Vector256.FusedMultiplyAdd(kappa, old - p, (p + p) - old));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float LaplacianScalar(float* c, int stride)
    {
        float s1 = (c[-1] + c[1]) + (c[-stride] + c[stride]);
        float s2 = (c[-2] + c[2]) + (c[-2 * stride] + c[2 * stride]);
        return MathF.FusedMultiplyAdd(s1, C1, MathF.FusedMultiplyAdd(s2, C2, *c * -5f));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float CombineScalar(float old, float p, float lap, float alpha, float kappa) =>
        MathF.FusedMultiplyAdd(alpha, lap, MathF.FusedMultiplyAdd(kappa, old - p, (p + p) - old));

    private static void Row512(float* next, float* cur, float* old, float* alpha, float* kappaCols, float* interior, float kappaRow, int stride, int width)
    {
        var kr = Vector512.Create(kappaRow);
        int i = 0;
        for (; i + Vector512<float>.Count <= width; i += Vector512<float>.Count)
            Update512(old + i, cur + i, alpha + i, kappaCols + i, interior + i, kr, stride).Store(next + i);
        if (i < width)
        {
            // Last partial vector: compute all lanes, keep the old values beyond the row (reads stay within the slack).
            var keep = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(width - i)).AsSingle();
            var result = Update512(old + i, cur + i, alpha + i, kappaCols + i, interior + i, kr, stride);
            Vector512.ConditionalSelect(keep, result, Vector512.Load(next + i)).Store(next + i);
        }
    }

    private static void Row256(float* next, float* cur, float* old, float* alpha, float* kappaCols, float* interior, float kappaRow, int stride, int width)
    {
        var kr = Vector256.Create(kappaRow);
        int i = 0;
        for (; i + Vector256<float>.Count <= width; i += Vector256<float>.Count)
            Update256(old + i, cur + i, alpha + i, kappaCols + i, interior + i, kr, stride).Store(next + i);
        if (i < width)
        {
            var keep = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(width - i)).AsSingle();
            var result = Update256(old + i, cur + i, alpha + i, kappaCols + i, interior + i, kr, stride);
            Vector256.ConditionalSelect(keep, result, Vector256.Load(next + i)).Store(next + i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Update512(float* previous, float* c, float* alpha, float* kappaCols, float* interior, Vector512<float> kappaRow, int stride)
    {
        var kappa = Vector512.FusedMultiplyAdd(Vector512.Load(interior), kappaRow, Vector512.Load(kappaCols));
        var p = Vector512.Load(c);
        var s1 = (Vector512.Load(c - 1) + Vector512.Load(c + 1)) + (Vector512.Load(c - stride) + Vector512.Load(c + stride));
        var s2 = (Vector512.Load(c - 2) + Vector512.Load(c + 2)) + (Vector512.Load(c - 2 * stride) + Vector512.Load(c + 2 * stride));
        var lap = Vector512.FusedMultiplyAdd(s1, Vector512.Create(C1), Vector512.FusedMultiplyAdd(s2, Vector512.Create(C2), p * Vector512.Create(-5f)));
        var old = Vector512.Load(previous);
        return Vector512.FusedMultiplyAdd(Vector512.Load(alpha), lap, Vector512.FusedMultiplyAdd(kappa, old - p, (p + p) - old));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Update256(float* previous, float* c, float* alpha, float* kappaCols, float* interior, Vector256<float> kappaRow, int stride) =>
        Combine256(previous, c, Laplacian256(c, stride), alpha, kappaCols, interior, kappaRow);

    private static void RowScalar(float* next, float* cur, float* previous, float* alpha, float* kappaCols, float* interior, float kappaRow, int stride, int width)
    {
        for (int i = 0; i < width; i++)
            next[i] = CombineScalar(previous[i], cur[i], LaplacianScalar(cur + i, stride), alpha[i], MathF.FusedMultiplyAdd(interior[i], kappaRow, kappaCols[i]));
    }
}

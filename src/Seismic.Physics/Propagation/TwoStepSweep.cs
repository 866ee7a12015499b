namespace Seismic.Physics.Propagation;

/// <summary>What a <see cref="TwoStepSweep"/> does to one row of one step (the update plus whatever belongs to that row).</summary>
internal unsafe interface ISweepRow
{
    /// <summary>Updates row <paramref name="r"/> of the sweep's first (<paramref name="second"/> false) or second step, in place: <paramref name="next"/> holds the older field.</summary>
    void Row(bool second, float* next, float* cur, int r, in CellBox box);
}

/// <summary>
/// Two steps of the leapfrog scheme in one sweep over the rows (half the memory traffic of two sweeps), for any per-row
/// operation: the forward model, its recomputation and the adjoint all run through it. A holds the field two steps back
/// and receives the first step's result; B holds the previous field and receives the second's. Row q of the second step
/// needs rows q-2..q+2 of the first and only its own older value, so it follows 2 rows behind; rows 0, 1, nzp-2, nzp-1
/// need the first step's wrap and come last. Cells outside a step's box keep their values (see <see cref="ShotGeometry.Box"/>).
/// </summary>
internal static unsafe class TwoStepSweep
{
    /// <summary>Runs the first step over <paramref name="first"/> and, when <paramref name="second"/> is given, the second over it.</summary>
    public static void Run<T>(ref T rows, float* a, float* b, ShotGeometry geo, CellBox first, CellBox? second) where T : struct, ISweepRow
    {
        var layout = geo.Layout;
        int nzp = layout.Nzp;
        var t0 = first;
        bool pair = second.HasValue;
        var t1 = second.GetValueOrDefault();
        if (geo.TouchesEdge(t0)) WaveKernel.FillHalo(b, layout);
        bool wrap1 = pair && geo.TouchesEdge(t1);
        for (int r = t0.R0; r <= t0.R1 + 2; r++)
        {
            if (r <= t0.R1)
            {
                rows.Row(false, a, b, r, t0);
                if (wrap1) WaveKernel.FillColumnHalo(a, layout, r);
            }
            int q = r - 2;
            if (pair && q >= 2 && q <= nzp - 3 && q >= t1.R0 && q <= t1.R1) rows.Row(true, b, a, q, t1);
        }
        if (!pair) return;
        // Rows of the second step not reached by the lagged sweep: those beyond the first step's box (a growing cone)
        // and the four wrap rows.
        if (wrap1) WaveKernel.FillRowHalo(a, layout);
        for (int q = t1.R0; q <= t1.R1; q++)
        {
            bool done = q >= 2 && q <= nzp - 3 && q >= t0.R0 - 2 && q <= t0.R1;
            if (!done) rows.Row(true, b, a, q, t1);
        }
    }
}

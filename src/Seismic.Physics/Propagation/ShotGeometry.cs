using Seismic.Physics.Acquisition;

namespace Seismic.Physics.Propagation;

/// <summary>
/// One shot on the padded grid: where its source and receivers sit in a wavefield's memory, and which cells a step must
/// update. Shared by the forward model and its adjoint, which skip exactly the same cells.
/// </summary>
internal sealed class ShotGeometry
{
    private readonly int _gr0 = int.MaxValue, _gr1 = int.MinValue, _gc0 = int.MaxValue, _gc1 = int.MinValue;
    private readonly bool _skipUnreached;

    public ShotGeometry(AcquisitionOptions acq, int shot, bool skipUnreachedCells)
    {
        int nbc = acq.BoundaryCells;
        Layout = FieldLayout.Of(acq);
        TimeSteps = acq.TimeSamples;
        SourceRow = acq.Sources[shot].Z + nbc;
        SourceColumn = acq.Sources[shot].X + nbc;
        Source = Layout.Index(SourceRow, SourceColumn);
        var receivers = acq.Receivers;
        Receivers = new int[receivers.Count];
        for (int g = 0; g < receivers.Count; g++)
        {
            int r = receivers[g].Z + nbc, c = receivers[g].X + nbc;
            Receivers[g] = Layout.Index(r, c);
            _gr0 = Math.Min(_gr0, r); _gr1 = Math.Max(_gr1, r); _gc0 = Math.Min(_gc0, c); _gc1 = Math.Max(_gc1, c);
        }
        _skipUnreached = skipUnreachedCells;
        // Receivers grouped by padded row (compressed rows), for work done row by row.
        RowReceiverStart = new int[Layout.Nzp + 1];
        foreach (var p in receivers) RowReceiverStart[p.Z + nbc + 1]++;
        for (int r = 0; r < Layout.Nzp; r++) RowReceiverStart[r + 1] += RowReceiverStart[r];
        ReceiversByRow = new int[receivers.Count];
        var fill = RowReceiverStart[..^1];
        for (int g = 0; g < receivers.Count; g++) ReceiversByRow[fill[receivers[g].Z + nbc]++] = g;
    }

    /// <summary>Receiver numbers sorted by padded row: those of row r are at <c>RowReceiverStart[r]..RowReceiverStart[r+1]-1</c>.</summary>
    public int[] ReceiversByRow { get; }

    /// <summary>Where each padded row's receivers start in <see cref="ReceiversByRow"/> (length nzp + 1).</summary>
    public int[] RowReceiverStart { get; }

    public FieldLayout Layout { get; }
    public int TimeSteps { get; }
    public int SourceRow { get; }
    public int SourceColumn { get; }

    /// <summary>The source cell's index in a wavefield.</summary>
    public int Source { get; }

    /// <summary>Each receiver's index in a wavefield.</summary>
    public int[] Receivers { get; }

    /// <summary>
    /// Cells to update at step <paramref name="it"/>: the source's forward cone (radius 2 it) and the receivers' backward cone
    /// (2 (nt-1-it)); once a cone reaches the two outermost rows/columns the periodic wrap couples the far side, so it
    /// becomes the full grid. Outside it the wavefield is exactly zero or can no longer reach a receiver; the adjoint field
    /// is zero outside the receivers' cone and multiplies a zero Laplacian outside the source's.
    /// </summary>
    public CellBox Box(int it)
    {
        int nzp = Layout.Nzp, nxp = Layout.Nxp;
        if (!_skipUnreached) return new CellBox(0, nzp - 1, 0, nxp - 1);
        var rows = Intersect(Cone(SourceRow, SourceRow, 2L * it, nzp), Cone(_gr0, _gr1, 2L * (TimeSteps - 1 - it), nzp));
        var cols = Intersect(Cone(SourceColumn, SourceColumn, 2L * it, nxp), Cone(_gc0, _gc1, 2L * (TimeSteps - 1 - it), nxp));
        return new CellBox(rows.Lo, rows.Hi, cols.Lo, cols.Hi);
    }

    /// <summary>Every cell of the padded grid.</summary>
    public CellBox FullGrid => new(0, Layout.Nzp - 1, 0, Layout.Nxp - 1);

    /// <summary>True when a step over <paramref name="b"/> reads the periodic wrap (the halo must be filled first).</summary>
    public bool TouchesEdge(CellBox b) => b.R0 < 2 || b.R1 > Layout.Nzp - 3 || b.C0 < 2 || b.C1 > Layout.Nxp - 3;

    private static (int Lo, int Hi) Cone(int lo, int hi, long radius, int n) =>
        lo - radius < 2 || hi + radius > n - 3 ? (0, n - 1) : ((int)(lo - radius), (int)(hi + radius));

    private static (int Lo, int Hi) Intersect((int Lo, int Hi) a, (int Lo, int Hi) b) => (Math.Max(a.Lo, b.Lo), Math.Min(a.Hi, b.Hi));
}

using Seismic.Physics.Acquisition;

namespace Seismic.Physics.Propagation;

/// <summary>
/// Per-model coefficients (see <see cref="Coefficients"/>): alpha = (v dt/dx)^2 for each model row over the padded width
/// (edge replication), the damping strips kappa = damp dt, and each shot's source scale (v_s dt)^2.
/// </summary>
internal sealed class PreparedModel
{
    public required int Nzp { get; init; }
    public required int Nxp { get; init; }
    public required float[] AlphaRows { get; init; }
    public required float[] KappaCols { get; init; }
    public required float[] KappaRows { get; init; }
    public required float[] InteriorCols { get; init; }
    public required float[] SourceScale { get; init; }

    /// <summary>Prepares a model.</summary>
    /// <param name="v">Velocities, m/s, (depth, width).</param>
    /// <param name="acq">The acquisition.</param>
    /// <param name="spongeVelocity">The velocity that scales the sponge; null for OpenFWI's, the model's minimum.</param>
    public static PreparedModel Create(ReadOnlySpan<float> v, AcquisitionOptions acq, double? spongeVelocity = null)
    {
        int nz = acq.ModelDepth, nx = acq.ModelWidth, nbc = acq.BoundaryCells;
        int nzp = nz + 2 * nbc, nxp = nx + 2 * nbc;
        var alpha = new float[nz * nxp + FieldLayout.Slack];
        float vmin = float.MaxValue;
        foreach (var x in v) vmin = Math.Min(vmin, x);
        for (int z = 0; z < nz; z++)
        {
            for (int c = 0; c < nxp; c++)
            {
                double k = v[z * nx + Math.Clamp(c - nbc, 0, nx - 1)] * acq.Dt / acq.Dx; // edge replication
                alpha[z * nxp + c] = (float)(k * k);
            }
        }
        var kappaCols = new float[nxp + FieldLayout.Slack];
        var interior = new float[nxp + FieldLayout.Slack];
        var kappaRows = new float[nzp];
        SpongeProfile.Fill(kappaCols.AsSpan(0, nxp), kappaRows, interior.AsSpan(0, nxp), nz, nx, nbc, acq.Dx, acq.Dt, spongeVelocity ?? vmin);
        var scale = new float[acq.ShotCount];
        for (int s = 0; s < scale.Length; s++)
        {
            double vdt = v[acq.Sources[s].Z * nx + acq.Sources[s].X] * acq.Dt;
            scale[s] = (float)(vdt * vdt);
        }
        return new PreparedModel
        {
            Nzp = nzp, Nxp = nxp, AlphaRows = alpha, KappaCols = kappaCols, KappaRows = kappaRows, InteriorCols = interior, SourceScale = scale,
        };
    }
}

using System.Diagnostics.CodeAnalysis;

namespace Seismic.Physics.Acquisition;

/// <summary>
/// Acquisition geometry and discretisation of the forward model. The defaults reproduce OpenFWI's recipe (docs/physics.md, "The forward model"):
/// 10 m cells, 120-cell sponge, 1 ms steps, 1000 samples, 15 Hz Ricker, 5 shots at x = 0, 17, 34, 52, 69 and
/// 70 receivers, all at depth index 1. Use <see cref="OpenFwi"/>, and <c>with</c> expressions to change a few values
/// (<c>AcquisitionOptions.OpenFwi with { TimeSamples = 500 }</c>). Immutable; <see cref="Validate"/> runs when an
/// <see cref="Propagation.AcousticPropagator"/> is created. Two instances are equal when all values, sources and receivers are.
/// </summary>
public sealed record AcquisitionOptions
{
    /// <summary>The largest Courant number <c>v dt / dx</c> of the undamped scheme: <c>sqrt(3/8)</c> ≈ 0.612.</summary>
    /// <remarks>
    /// Leapfrog in time with the 4th-order Laplacian in 2-D is stable when <c>(v dt/dx)^2 * 2 * 16/3 &lt;= 4</c>
    /// (16/3 is the largest magnitude of the 1-D stencil's symbol, at the Nyquist wavenumber), i.e. Courant &lt;= sqrt(3/8).
    /// The sponge lowers it slightly; see <see cref="MaxStableCourantNumber"/>. OpenFWI itself stays at or below 0.45.
    /// </remarks>
    public static readonly double MaxCourantNumber = Math.Sqrt(3.0 / 8.0);

    /// <summary>The OpenFWI shot positions along x (depth index 1): 0, 17, 34, 52, 69.</summary>
    public static IReadOnlyList<int> OpenFwiShotColumns { get; } = [0, 17, 34, 52, 69];

    /// <summary>OpenFWI's acquisition for a 70 x 70 model (all defaults).</summary>
    public static AcquisitionOptions OpenFwi { get; } = new();

    /// <summary>Grid spacing in metres, the same along depth and distance. The default value is 10.</summary>
    public double Dx { get; init; } = 10;

    /// <summary>Time step and sample interval in seconds. The default value is 0.001.</summary>
    public double Dt { get; init; } = 0.001;

    /// <summary>Number of time steps, which is also the number of recorded samples. The default value is 1000.</summary>
    public int TimeSamples { get; init; } = 1000;

    /// <summary>Peak frequency of the Ricker source wavelet in Hz. The default value is 15.</summary>
    public double Frequency { get; init; } = 15;

    /// <summary>Sponge width in cells on every side (the model is padded by edge replication). The default value is 120.</summary>
    public int BoundaryCells { get; init; } = 120;

    /// <summary>
    /// Source cells, one per shot, in model coordinates. The default is 5 shots at depth 1 spread evenly over the surface
    /// (x = 0, 17, 34, 52, 69 for the default width), following <see cref="ModelWidth"/> while not set; setting null
    /// restores the default. The list is copied.
    /// </summary>
    [AllowNull]
    public IReadOnlyList<GridPoint> Sources
    {
        get => field ?? DefaultSources(ModelWidth);
        init => field = value is null ? null : Array.AsReadOnly([.. value]);
    }

    /// <summary>
    /// Receiver cells, shared by all shots, in model coordinates. The default is one receiver per column at depth 1
    /// (x = 0..69 for the default width), following <see cref="ModelWidth"/> while not set; setting null restores the
    /// default. The list is copied.
    /// </summary>
    [AllowNull]
    public IReadOnlyList<GridPoint> Receivers
    {
        get => field ?? DefaultReceivers(ModelWidth);
        init => field = value is null ? null : Array.AsReadOnly([.. value]);
    }

    /// <summary>Depth (rows) of the velocity models this acquisition accepts. The default value is 70.</summary>
    public int ModelDepth { get; init; } = 70;

    /// <summary>Width (columns) of the velocity models this acquisition accepts. The default value is 70.</summary>
    public int ModelWidth { get; init; } = 70;

    /// <summary>Number of shots (<see cref="Sources"/> count).</summary>
    public int ShotCount => Sources.Count;

    /// <summary>Number of receivers (<see cref="Receivers"/> count).</summary>
    public int ReceiverCount => Receivers.Count;

    /// <summary>Elements of one velocity model: <c>ModelDepth * ModelWidth</c>.</summary>
    public int ModelSize => ModelDepth * ModelWidth;

    /// <summary>Elements of one sample's seismic data: <c>shots * time samples * receivers</c>.</summary>
    public int SeismicSize => ShotCount * TimeSamples * ReceiverCount;

    /// <summary>Shape of one sample's seismic data: (shots, time samples, receivers).</summary>
    public int[] SeismicShape => [ShotCount, TimeSamples, ReceiverCount];

    /// <summary>
    /// The stability limit of the Courant number <c>v_max dt / dx</c> for a model whose slowest velocity is
    /// <paramref name="minVelocity"/>. The sponge's damping term <c>kappa (p_old - p)</c> turns the per-mode recursion into
    /// <c>z^2 - (2 - kappa - lambda) z + (1 - kappa) = 0</c>, stable for <c>lambda = (v dt/dx)^2 * 32/3 &lt;= 4 - 2 kappa</c>;
    /// the strongest damping, at the outer edge, is <c>kappa = 3 vmin ln(1e7) dt / (2 (nbc - 1) dx)</c> (it grows with vmin).
    /// So the limit is <c>sqrt(3 (2 - kappa) / 16)</c>: about 0.608 for vmin = 1500 m/s and 0.598 for 4500 m/s with the defaults.
    /// </summary>
    /// <param name="minVelocity">The model's minimum velocity, m/s.</param>
    public double MaxStableCourantNumber(double minVelocity)
    {
        double kappa = 3 * minVelocity * Math.Log(1e7) * Dt / (2 * (BoundaryCells - 1) * Dx);
        return Math.Sqrt(3 * Math.Max(2 - kappa, 0) / 16);
    }

    /// <summary>Largest velocity in m/s that keeps a model with minimum velocity <paramref name="minVelocity"/> stable (see <see cref="MaxStableCourantNumber"/>).</summary>
    /// <param name="minVelocity">The model's minimum velocity, m/s.</param>
    public double MaxStableVelocity(double minVelocity) => MaxStableCourantNumber(minVelocity) * Dx / Dt;

    /// <summary>Checks every value; called when a propagator is created.</summary>
    /// <exception cref="ArgumentException">A value is outside its allowed range; ParamName and the message name the option.</exception>
    public void Validate()
    {
        static void Require(bool ok, string name, object value, string range) => Check.That(ok, name, $"must be {range}, got {value}");

        Require(double.IsFinite(Dx) && Dx > 0, nameof(Dx), Dx, "a positive finite number of metres");
        Require(double.IsFinite(Dt) && Dt > 0, nameof(Dt), Dt, "a positive finite number of seconds");
        Require(TimeSamples >= 1, nameof(TimeSamples), TimeSamples, ">= 1");
        Require(double.IsFinite(Frequency) && Frequency > 0 && Frequency * Dt < 0.5, nameof(Frequency), Frequency,
            "positive and below the Nyquist frequency 1/(2 dt)");
        Require(BoundaryCells >= 2, nameof(BoundaryCells), BoundaryCells, ">= 2 (the stencil reaches 2 cells)");
        Require(ModelDepth >= 1, nameof(ModelDepth), ModelDepth, ">= 1");
        Require(ModelWidth >= 1, nameof(ModelWidth), ModelWidth, ">= 1");
        Require(Sources.Count >= 1, nameof(Sources), Sources.Count, "at least one source");
        Require(Receivers.Count >= 1, nameof(Receivers), Receivers.Count, "at least one receiver");
        foreach (var s in Sources)
            Require(Inside(s), nameof(Sources), s, $"inside the {ModelDepth} x {ModelWidth} model");
        foreach (var r in Receivers)
            Require(Inside(r), nameof(Receivers), r, $"inside the {ModelDepth} x {ModelWidth} model");
    }

    /// <summary>True when both have the same values, sources and receivers (in order).</summary>
    public bool Equals(AcquisitionOptions? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (Dx, Dt, TimeSamples, Frequency, BoundaryCells, ModelDepth, ModelWidth) ==
            (other.Dx, other.Dt, other.TimeSamples, other.Frequency, other.BoundaryCells, other.ModelDepth, other.ModelWidth)
            && Sources.SequenceEqual(other.Sources) && Receivers.SequenceEqual(other.Receivers));

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(Dx, Dt, TimeSamples, Frequency, BoundaryCells, ModelDepth, ModelWidth, Sources.Count * 31 + Receivers.Count);

    /// <summary>This instance with <see cref="Sources"/> and <see cref="Receivers"/> stored, so reading them allocates nothing.</summary>
    internal AcquisitionOptions Frozen() => this with { Sources = Sources, Receivers = Receivers };

    private bool Inside(GridPoint p) => p.Z >= 0 && p.Z < ModelDepth && p.X >= 0 && p.X < ModelWidth;

    // OpenFWI spreads 5 shots evenly over the surface (numpy round of linspace(0, nx-1, 5)); for nx = 70: 0, 17, 34, 52, 69.
    /// <summary>
    /// The acquisition an OpenFWI dataset's config describes (its <c>dx</c>, <c>dt</c>, <c>nt</c>, <c>f</c>, <c>nbc</c>,
    /// <c>n_grid</c>, and <c>ns</c> sources and <c>ng</c> receivers spread evenly over the surface at depths <c>sz</c> and
    /// <c>gz</c>): the one place where a dataset's numbers become the forward model's. For the published datasets it
    /// equals <see cref="OpenFwi"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="dataset"/> is null.</exception>
    public static AcquisitionOptions Of(Seismic.Data.OpenFwi.OpenFwiDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int width = dataset.NGrid;
        int sourceRow = (int)Math.Round(dataset.Sz / dataset.Dx), receiverRow = (int)Math.Round(dataset.Gz / dataset.Dx);
        return new AcquisitionOptions
        {
            Dx = dataset.Dx, Dt = dataset.Dt, TimeSamples = dataset.Nt, Frequency = dataset.F, BoundaryCells = dataset.Nbc,
            ModelDepth = width, ModelWidth = width,
            Sources = Spread(dataset.Ns, width, sourceRow), Receivers = Spread(dataset.Ng, width, receiverRow),
        };
    }

    // count points at one depth spread evenly from column 0 to the last (rounded half to even, as OpenFWI's shots).
    private static GridPoint[] Spread(int count, int width, int row) =>
        [.. Enumerable.Range(0, Math.Max(count, 0)).Select(i => new GridPoint(row, count == 1 ? 0 : (int)Math.Round(i * (width - 1) / (double)(count - 1), MidpointRounding.ToEven)))];

    private static IReadOnlyList<GridPoint> DefaultSources(int width) =>
        Array.AsReadOnly([.. Enumerable.Range(0, 5).Select(i => new GridPoint(1, (int)Math.Round(i * (width - 1) / 4.0, MidpointRounding.ToEven)))]);

    private static IReadOnlyList<GridPoint> DefaultReceivers(int width) =>
        Array.AsReadOnly([.. Enumerable.Range(0, Math.Max(width, 0)).Select(x => new GridPoint(1, x))]);
}

namespace Seismic.Physics.Acquisition;

/// <summary>Fluent builder for <see cref="AcquisitionOptions"/>; starts from the OpenFWI defaults.</summary>
public sealed class AcquisitionOptionsBuilder
{
    private double _dx = 10;
    private double _dt = 0.001;
    private int _nt = 1000;
    private double _frequency = 15;
    private int _nbc = 120;
    private int _depth = 70;
    private int _width = 70;
    private List<GridPoint>? _sources;
    private List<GridPoint>? _receivers;

    internal AcquisitionOptionsBuilder() { }

    internal AcquisitionOptionsBuilder(AcquisitionOptions o)
    {
        _dx = o.Dx; _dt = o.Dt; _nt = o.TimeSamples; _frequency = o.Frequency; _nbc = o.BoundaryCells;
        _depth = o.ModelDepth; _width = o.ModelWidth;
        _sources = [.. o.Sources];
        _receivers = [.. o.Receivers];
    }

    /// <summary>Sets the grid spacing in metres (default 10).</summary>
    public AcquisitionOptionsBuilder WithGridSpacing(double dx) { _dx = dx; return this; }

    /// <summary>Sets the time step in seconds (default 0.001).</summary>
    public AcquisitionOptionsBuilder WithTimeStep(double dt) { _dt = dt; return this; }

    /// <summary>Sets the number of time steps / recorded samples (default 1000).</summary>
    public AcquisitionOptionsBuilder WithTimeSamples(int nt) { _nt = nt; return this; }

    /// <summary>Sets the Ricker peak frequency in Hz (default 15).</summary>
    public AcquisitionOptionsBuilder WithFrequency(double hz) { _frequency = hz; return this; }

    /// <summary>Sets the sponge width in cells (default 120).</summary>
    public AcquisitionOptionsBuilder WithBoundaryCells(int nbc) { _nbc = nbc; return this; }

    /// <summary>Sets the model size in cells (default 70 x 70). Sources and receivers left at their defaults follow the new size.</summary>
    public AcquisitionOptionsBuilder WithModelSize(int depth, int width) { _depth = depth; _width = width; return this; }

    /// <summary>Places one source per shot at the given cells.</summary>
    public AcquisitionOptionsBuilder WithSources(IEnumerable<GridPoint> sources) { _sources = [.. sources]; return this; }

    /// <summary>Places the receivers (shared by all shots) at the given cells.</summary>
    public AcquisitionOptionsBuilder WithReceivers(IEnumerable<GridPoint> receivers) { _receivers = [.. receivers]; return this; }

    /// <summary>Builds and validates the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the option.</exception>
    public AcquisitionOptions Build()
    {
        var sources = _sources ?? DefaultSources(_width);
        var receivers = _receivers ?? [.. Enumerable.Range(0, Math.Max(_width, 0)).Select(x => new GridPoint(1, x))];
        return new AcquisitionOptions(_dx, _dt, _nt, _frequency, _nbc, sources.AsReadOnly(), receivers.AsReadOnly(), _depth, _width);
    }

    // OpenFWI spreads 5 shots evenly over the surface (numpy round of linspace(0, nx-1, 5)); for nx = 70: 0, 17, 34, 52, 69.
    private static List<GridPoint> DefaultSources(int width) =>
        [.. Enumerable.Range(0, 5).Select(i => new GridPoint(1, (int)Math.Round(i * (width - 1) / 4.0, MidpointRounding.ToEven)))];
}

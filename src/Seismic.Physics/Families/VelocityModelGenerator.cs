using Seismic.Data;
using Seismic.Data.OpenFwi;

namespace Seismic.Physics.Families;

/// <summary>
/// Seeded generator of one family's velocity models: integer m/s within [1500, 4500], row-major (depth, distance).
/// Model <c>(seed, index)</c> depends on nothing else, so any sample can be regenerated alone (exact resumption).
/// Thread-safe.
/// </summary>
public sealed class VelocityModelGenerator
{
    /// <summary>Slowest velocity produced, m/s.</summary>
    public const float MinVelocity = 1500;

    /// <summary>Fastest velocity produced, m/s.</summary>
    public const float MaxVelocity = 4500;

    /// <summary>Creates a generator.</summary>
    /// <param name="family">The family.</param>
    /// <param name="parameters">Its knobs; the default is <see cref="FamilyParameters.For"/> of <paramref name="family"/>.</param>
    /// <param name="depth">Model rows. The default value is 70.</param>
    /// <param name="width">Model columns. The default value is 70.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size below 8.</exception>
    /// <exception cref="ArgumentException">Parameters out of range; ParamName names the knob.</exception>
    public VelocityModelGenerator(VelocityFamily family, FamilyParameters? parameters = null, int depth = 70, int width = 70)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 8);
        Family = family;
        Parameters = parameters ?? FamilyParameters.For(family);
        Depth = depth;
        Width = width;
        Parameters.Validate(family, depth);
    }

    /// <summary>The family.</summary>
    public VelocityFamily Family { get; }

    /// <summary>The generator's knobs.</summary>
    public FamilyParameters Parameters { get; }

    /// <summary>Model rows.</summary>
    public int Depth { get; }

    /// <summary>Model columns.</summary>
    public int Width { get; }

    /// <summary>Generates model <paramref name="index"/> of <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed; its stream <paramref name="index"/> (<see cref="Seed.Derive(ulong)"/>) seeds the model's draws.</param>
    /// <param name="index">The model's index (stream) within the seed.</param>
    /// <returns><c>Depth x Width</c> velocities in m/s (integers stored as float32).</returns>
    public float[] Generate(Seed seed, ulong index)
    {
        var v = new float[Depth * Width];
        Generate(seed, index, v);
        return v;
    }

    /// <summary>Generates model <paramref name="index"/> of <paramref name="seed"/> into <paramref name="destination"/>.</summary>
    /// <param name="seed">The seed; its stream <paramref name="index"/> (<see cref="Seed.Derive(ulong)"/>) seeds the model's draws.</param>
    /// <param name="index">The model's index (stream) within the seed.</param>
    /// <param name="destination">Receives <c>Depth x Width</c> velocities in m/s.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not <c>Depth x Width</c> long.</exception>
    public void Generate(Seed seed, ulong index, Span<float> destination)
    {
        if (destination.Length != Depth * Width)
            throw new ArgumentException($"destination has {destination.Length} values, expected {Depth * Width}.", nameof(destination));
        var rng = new SeededRandom(seed, index);
        if (Family is VelocityFamily.StyleA or VelocityFamily.StyleB) Style(ref rng, destination);
        else Layered(ref rng, destination);
        for (int i = 0; i < destination.Length; i++)
            destination[i] = Math.Clamp(MathF.Round(destination[i]), MinVelocity, MaxVelocity);
    }

    private void Layered(ref SeededRandom rng, Span<float> v)
    {
        var p = Parameters;
        int layers = rng.Int(p.MinLayers, p.MaxLayers);

        // Interface depths: layers - 1 sorted positions, at least MinThickness apart and away from the top and bottom.
        var depths = new double[layers - 1];
        int room = Depth - 2 * p.MinThickness - (layers - 2) * p.MinThickness;
        var cuts = new double[layers - 1];
        for (int j = 0; j < cuts.Length; j++) cuts[j] = rng.Uniform(0, Math.Max(room, 1));
        Array.Sort(cuts);
        for (int j = 0; j < cuts.Length; j++) depths[j] = p.MinThickness + cuts[j] + j * p.MinThickness;

        // Layer velocities: a random walk downward, mostly increasing.
        var vel = new double[layers];
        vel[0] = rng.Uniform(p.TopVelocityMin, p.TopVelocityMax);
        for (int k = 1; k < layers; k++)
        {
            double step = rng.Uniform(p.MinStep, p.MaxStep);
            if (rng.NextDouble() < p.InversionProbability) step = -0.5 * step;
            vel[k] = Math.Clamp(vel[k - 1] + step, MinVelocity, MaxVelocity);
        }

        // Interface shape: one undulation shared by all interfaces (scaled per interface), as in folded strata.
        double amp = rng.Uniform(0, p.CurveAmplitude);
        double wavelength = rng.Uniform(p.CurveWavelengthMin, p.CurveWavelengthMax);
        double phase = rng.Uniform(0, 2 * Math.PI), phase2 = rng.Uniform(0, 2 * Math.PI);
        var scale = new double[depths.Length];
        for (int j = 0; j < scale.Length; j++) scale[j] = rng.Uniform(0.5, 1.0);
        double Interface(int j, double x) =>
            depths[j] + scale[j] * amp * (Math.Sin(2 * Math.PI * x / wavelength + phase) + p.SecondHarmonic * Math.Sin(4 * Math.PI * x / wavelength + phase2));

        // Faults: a line through (z0, x0) dipping from vertical; the hanging-wall side is displaced down by the throw.
        int faults = rng.Int(p.MinFaults, p.MaxFaults);
        var fz = new double[faults]; var fx = new double[faults]; var tan = new double[faults]; var thr = new int[faults];
        for (int f = 0; f < faults; f++)
        {
            fz[f] = rng.Uniform(0, Depth);
            fx[f] = rng.Uniform(0.25 * Width, 0.75 * Width);
            tan[f] = Math.Tan(rng.Uniform(-p.MaxDipDegrees, p.MaxDipDegrees) * Math.PI / 180);
            thr[f] = rng.Int(p.MinThrow, p.MaxThrow) * (rng.NextDouble() < 0.5 ? 1 : -1);
        }

        for (int z = 0; z < Depth; z++)
        {
            for (int x = 0; x < Width; x++)
            {
                double zz = z;
                for (int f = 0; f < faults; f++)
                    if (x - fx[f] - (z - fz[f]) * tan[f] > 0) zz -= thr[f];
                int layer = 0;
                double prev = double.NegativeInfinity;
                for (int j = 0; j < depths.Length; j++)
                {
                    // Interfaces never cross: each stays at least one cell below the previous one.
                    double d = Math.Max(Interface(j, x), prev + 1);
                    prev = d;
                    if (zz >= d) layer = j + 1;
                }
                v[z * Width + x] = (float)vel[layer];
            }
        }
    }

    private void Style(ref SeededRandom rng, Span<float> v)
    {
        var p = Parameters;
        double top = rng.Uniform(p.TopVelocityMin, p.TopVelocityMax);
        double trend = rng.Uniform(p.TrendMin, p.TrendMax);
        double amplitude = rng.Uniform(p.TextureAmplitudeMin, p.TextureAmplitudeMax);

        // Smooth texture: white noise blurred by a separable Gaussian (reflecting edges), scaled to unit standard deviation.
        var noise = new double[Depth * Width];
        for (int i = 0; i < noise.Length; i++) noise[i] = rng.Normal();
        var smooth = GaussianBlur(noise, Depth, Width, p.TextureSigma);
        double mean = smooth.Average();
        double std = Math.Sqrt(smooth.Select(s => (s - mean) * (s - mean)).Average());
        for (int z = 0; z < Depth; z++)
            for (int x = 0; x < Width; x++)
                v[z * Width + x] = (float)(top + trend * z / (Depth - 1) + amplitude * (smooth[z * Width + x] - mean) / std);
    }

    private static double[] GaussianBlur(double[] a, int rows, int cols, double sigma)
    {
        int radius = (int)Math.Ceiling(3 * sigma);
        var kernel = new double[2 * radius + 1];
        for (int i = -radius; i <= radius; i++) kernel[i + radius] = Math.Exp(-0.5 * i * i / (sigma * sigma));
        double sum = kernel.Sum();
        for (int i = 0; i < kernel.Length; i++) kernel[i] /= sum;
        static int Reflect(int i, int n)
        {
            while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
            return i;
        }
        var tmp = new double[a.Length];
        var result = new double[a.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double s = 0;
                for (int k = -radius; k <= radius; k++) s += kernel[k + radius] * a[r * cols + Reflect(c + k, cols)];
                tmp[r * cols + c] = s;
            }
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double s = 0;
                for (int k = -radius; k <= radius; k++) s += kernel[k + radius] * tmp[Reflect(r + k, rows) * cols + c];
                result[r * cols + c] = s;
            }
        return result;
    }
}

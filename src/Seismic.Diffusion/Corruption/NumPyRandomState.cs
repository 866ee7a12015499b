namespace Seismic.Diffusion.Corruption;

/// <summary>
/// NumPy's legacy <c>numpy.random.RandomState</c> (the generator behind <c>np.random.seed</c>, <c>np.random.randint</c>,
/// <c>np.random.rand</c> and <c>np.random.normal</c>), reproduced draw for draw: MT19937 seeded as
/// <c>np.random.seed(s)</c> seeds it, 53-bit doubles from two 32-bit words, bounded integers by masked rejection, and
/// normals by the polar (Marsaglia) method with its cached second value. With the same seed and the same calls it
/// gives NumPy's numbers exactly; the Python original draws its corruptions from it.
/// </summary>
/// <remarks>Not thread-safe; one instance per stream, as NumPy's global state is one stream.</remarks>
public sealed class NumPyRandomState
{
    private const int N = 624, M = 397;
    private readonly uint[] _key = new uint[N];
    private int _pos;
    private bool _hasGauss;
    private double _gauss;

    /// <summary>A stream seeded as <c>np.random.seed(seed)</c>.</summary>
    /// <param name="seed">The seed, 0 to 2^32 - 1 (NumPy's range).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seed"/> is outside NumPy's range.</exception>
    public NumPyRandomState(long seed) => Seed(seed);

    /// <summary>Reseeds as <c>np.random.seed(seed)</c>: MT19937's <c>init_genrand</c>, and the cached normal forgotten.</summary>
    /// <param name="seed">The seed, 0 to 2^32 - 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seed"/> is outside NumPy's range.</exception>
    public void Seed(long seed)
    {
        if (seed is < 0 or > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "NumPy's legacy seed must be between 0 and 2**32 - 1.");
        uint s = (uint)seed;
        for (int i = 0; i < N; i++)
        {
            _key[i] = s;
            s = unchecked(1812433253u * (s ^ (s >> 30)) + (uint)i + 1);
        }
        _pos = N;
        _hasGauss = false;
        _gauss = 0;
    }

    /// <summary>The next 32-bit word of MT19937.</summary>
    public uint NextUInt32()
    {
        if (_pos == N) Generate();
        uint y = _key[_pos++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        return y ^ (y >> 18);
    }

    /// <summary><c>np.random.rand()</c> / <c>random_sample()</c>: a double in [0, 1) with 53 random bits (two words).</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>
    /// <c>np.random.randint(low, high)</c> for a scalar: an integer in [low, high) by masked rejection on 32-bit words
    /// (ranges up to 2^32); an empty draw (high = low + 1) consumes nothing, as in NumPy.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="high"/> is not above <paramref name="low"/>, or the range exceeds 2^32.</exception>
    public long RandInt(long low, long high)
    {
        if (high <= low) throw new ArgumentException($"randint needs low < high, got low {low}, high {high}.", nameof(high));
        ulong range = (ulong)(high - 1 - low);
        if (range == 0) return low;
        if (range > uint.MaxValue) throw new ArgumentException($"randint ranges above 2**32 are not reproduced here (got {range + 1}).", nameof(high));
        uint rng = (uint)range;
        if (rng == uint.MaxValue) return low + NextUInt32();
        uint mask = rng;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > rng) { }
        return low + value;
    }

    /// <summary><c>np.random.standard_normal()</c> (legacy): the polar method, returning the cached second value first when there is one.</summary>
    public double StandardNormal()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            return _gauss;
        }
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * NextDouble() - 1.0;
            x2 = 2.0 * NextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        }
        while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary><c>np.random.normal(loc, scale, size)</c> (legacy): <c>loc + scale * standard_normal()</c> per value, in C order.</summary>
    /// <param name="destination">Filled in order.</param>
    /// <param name="loc">Mean. The default value is 0.</param>
    /// <param name="scale">Standard deviation. The default value is 1.</param>
    public void Normal(Span<double> destination, double loc = 0.0, double scale = 1.0)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = loc + scale * StandardNormal();
    }

    private void Generate()
    {
        const uint upper = 0x80000000u, lower = 0x7fffffffu, matrixA = 0x9908b0dfu;
        int i = 0;
        uint y;
        for (; i < N - M; i++)
        {
            y = (_key[i] & upper) | (_key[i + 1] & lower);
            _key[i] = _key[i + M] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrixA);
        }
        for (; i < N - 1; i++)
        {
            y = (_key[i] & upper) | (_key[i + 1] & lower);
            _key[i] = _key[i + (M - N)] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrixA);
        }
        y = (_key[N - 1] & upper) | (_key[0] & lower);
        _key[N - 1] = _key[M - 1] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrixA);
        _pos = 0;
    }
}

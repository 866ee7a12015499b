using Seismic.Data;

namespace Seismic.Physics.Families;

/// <summary>
/// SplitMix64: a small, fully specified generator, so a (seed, stream) pair gives the same numbers on every platform and
/// .NET version (System.Random makes no such promise across versions).
/// </summary>
internal struct SeededRandom
{
    private ulong _state;

    /// <summary>
    /// A generator for one stream (e.g. one sample) of a seed; distinct streams are statistically independent. The initial
    /// state is <see cref="Seed.Derive(ulong)"/>: <c>Mix(seed ^ Mix(stream + 0x632BE59BD9B4E019))</c>, unchanged since the
    /// first synthesised datasets, so they regenerate bit for bit.
    /// </summary>
    public SeededRandom(Seed seed, ulong stream) => _state = seed.Derive(stream).Value;

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [lo, hi] (inclusive).</summary>
    public int Int(int lo, int hi) => lo + (int)(NextUInt64() % (ulong)(hi - lo + 1));

    /// <summary>Standard normal (Box-Muller).</summary>
    public double Normal()
    {
        double u = 1.0 - NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * NextDouble());
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

using Seismic.Data;
using Seismic.Physics.Families;

namespace Seismic.Physics.Tests.Families;

public sealed class SeededRandomTests
{
    // The generator's original seeding, written out independently: state = Mix(seed ^ Mix(stream + 0x632BE59BD9B4E019)),
    // then SplitMix64 steps. Datasets synthesised before Seed existed must regenerate bit for bit.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(42UL, 4UL)]
    [InlineData(7UL, (1UL << 32) + 3)]
    [InlineData(ulong.MaxValue, ulong.MaxValue)]
    public void Seeding_through_Seed_Derive_matches_the_original_formula(ulong seed, ulong stream)
    {
        ulong state = Mix(seed ^ Mix(stream + 0x632BE59BD9B4E019UL));
        Assert.Equal(state, new Seed(seed).Derive(stream).Value);
        var rng = new SeededRandom(seed, stream);
        for (int i = 0; i < 8; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            Assert.Equal(Mix(state), rng.NextUInt64());
        }
    }
}

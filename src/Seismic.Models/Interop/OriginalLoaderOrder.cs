using static TorchSharp.torch;

namespace Seismic.Models;

/// <summary>
/// The order in which the Python original's <c>sample.py</c> visits the validation set: its shuffled
/// <c>DataLoader</c> after <c>set_seed(seed)</c> and building the network. The permutation comes from torch's global
/// generator as the original leaves it: the network's initialisation draws first (this library's U-Net draws the same
/// numbers in the same order; checked for <c>unet_ch32</c>), then the loader's iterator draws its base seed and the
/// sampler draws the seed of its own generator, which gives <c>torch.randperm(count)</c>. libtorch is the same
/// library under PyTorch and TorchSharp, so the order is the original's exactly.
/// </summary>
public static class OriginalLoaderOrder
{
    /// <summary>The visiting order of <paramref name="count"/> samples (indices 0 .. count - 1).</summary>
    /// <param name="network">The run's network (its initialisation advances the generator).</param>
    /// <param name="seed">The seed given to the original's <c>set_seed</c>.</param>
    /// <param name="count">Samples in the (partition of the) validation set.</param>
    /// <returns>A permutation of 0 .. count - 1. Torch's global generator is left as it was.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive, or <paramref name="seed"/> is negative.</exception>
    public static int[] Shuffled(AdmUNetOptions network, long seed, int count)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        var global = Generator.Default;
        using var saved = global.get_state();
        try
        {
            global.manual_seed(seed);
            using (new AdmUNet(network)) { } // initialisation draws, as the original's UNetModel
            NextInt64(global); // the DataLoader iterator's base seed
            long samplerSeed = NextInt64(global);
            using var generator = new Generator((ulong)samplerSeed, CPU);
            using var order = randperm(count, generator: generator);
            return [.. order.data<long>().Select(i => (int)i)];
        }
        finally
        {
            global.set_state(saved);
        }
    }

    /// <summary>
    /// torch's <c>empty((), dtype=int64).random_()</c>: one 64-bit draw x, returned as x mod 2^63. <c>randint</c> over
    /// the full int64 range takes the same single draw as (x mod (2^64 - 1)) - 2^63, from which x mod 2^63 follows.
    /// </summary>
    private static long NextInt64(Generator generator)
    {
        using var draw = randint(long.MinValue, long.MaxValue, [], ScalarType.Int64, generator: generator);
        ulong x = unchecked((ulong)draw.item<long>() ^ 0x8000_0000_0000_0000UL);
        return (long)(x & 0x7FFF_FFFF_FFFF_FFFFUL);
    }
}

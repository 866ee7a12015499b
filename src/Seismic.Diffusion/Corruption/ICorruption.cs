using static TorchSharp.torch;

namespace Seismic.Diffusion.Corruption;

/// <summary>A corruption operator x0 -&gt; x1 (docs/diffusion.md, "Corruptions"), applied on the fly to each training microbatch.</summary>
public interface ICorruption
{
    /// <summary>The operator's name, e.g. <c>blur-openfwi_custom</c>.</summary>
    string Name { get; }

    /// <summary>Corrupts a batch; the whole batch shares one random draw.</summary>
    /// <param name="x0">Clean images (B, C, H, W) in [-1, 1]. Not modified.</param>
    /// <param name="generator">Random source; null for torch's global generator.</param>
    /// <returns>A new tensor of the same shape, dtype and device.</returns>
    Tensor Apply(Tensor x0, Generator? generator = null);
}

using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion;

/// <summary>
/// The sinusoidal embedding of the network time input (docs/diffusion.md, "Schedule"), as in guided diffusion: for <c>i &lt; half = dim/2</c>,
/// <c>f_i = exp(-ln(maxPeriod) i / half)</c> and the embedding is <c>[cos(t f), sin(t f)]</c> (cosines first), with one
/// zero column appended when <c>dim</c> is odd.
/// </summary>
public static class TimestepEmbedding
{
    /// <summary>Embeds continuous times.</summary>
    /// <param name="t">Times, shape (B), any floating or integer dtype (used as float32); typically
    /// <see cref="BridgeSchedule.NoiseLevels"/> values, i.e. 0.1 .. 1000.</param>
    /// <param name="dim">Embedding width (the U-Net's model_channels), at least 1.</param>
    /// <param name="maxPeriod">Longest period of the sinusoids. The default value is 10000.</param>
    /// <returns>A float32 tensor (B, dim) on <paramref name="t"/>'s device.</returns>
    /// <exception cref="ArgumentException"><paramref name="t"/> is not one-dimensional, <paramref name="dim"/> is below 1, or
    /// <paramref name="maxPeriod"/> is not positive.</exception>
    public static Tensor Create(Tensor t, int dim, double maxPeriod = 10000)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.dim() != 1) throw new ArgumentException($"t must be one-dimensional (B); got shape [{string.Join(", ", t.shape)}].", nameof(t));
        if (dim < 1) throw new ArgumentException($"dim must be at least 1; got {dim}.", nameof(dim));
        if (!(maxPeriod > 0)) throw new ArgumentException($"maxPeriod must be positive; got {maxPeriod}.", nameof(maxPeriod));

        using var scope = NewDisposeScope();
        int half = dim / 2;
        // Same operation order and dtypes as the reference, so float32 rounding matches.
        var freqs = (torch.arange(0, half, dtype: ScalarType.Float32, device: t.device) * (-Math.Log(maxPeriod)) / half).exp();
        var args = t.to_type(ScalarType.Float32).unsqueeze(1) * freqs.unsqueeze(0);
        var embedding = torch.cat([args.cos(), args.sin()], dim: -1);
        if (dim % 2 == 1)
            embedding = torch.cat([embedding, torch.zeros(t.shape[0], 1, dtype: ScalarType.Float32, device: t.device)], dim: -1);
        return embedding.MoveToOuterDisposeScope();
    }
}

using Seismic.Diffusion.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Conditioning;

/// <summary>
/// Training-time augmentations of the condition (docs/diffusion.md, "Conditioning"). The null condition is a zero tensor in normalised space,
/// so "dropping" means multiplying by zero. Randomness comes from a torch <see cref="Generator"/> (null: torch's
/// global generator), drawn on the generator's device.
/// </summary>
public static class ConditionDropout
{
    /// <summary>The reference's <c>--drop_cond</c>, 0.25.</summary>
    public const double DefaultDropProbability = 0.25;

    /// <summary>
    /// Condition dropout: each sample keeps its condition with probability <c>1 - dropProbability</c>, else it becomes zeros.
    /// </summary>
    /// <param name="cond">Conditions (B, ...). Not modified.</param>
    /// <param name="dropProbability">Probability of replacing a sample's condition by zeros, in [0, 1]. The reference uses 0.25.</param>
    /// <param name="generator">Random source; null for torch's global generator.</param>
    /// <returns>A new tensor of the same shape, dtype and device.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropProbability"/> is outside [0, 1].</exception>
    public static Tensor Apply(Tensor cond, double dropProbability = DefaultDropProbability, Generator? generator = null)
    {
        var result = Apply(cond, dropProbability, generator, out var keep);
        keep.Dispose();
        return result;
    }

    /// <summary>
    /// Condition dropout that also returns which samples kept their condition, e.g. for the later upstream per-sample
    /// loss weight <c>1 + 10 keep</c> (docs/diffusion.md, "Sampling").
    /// </summary>
    /// <param name="cond">Conditions (B, ...). Not modified.</param>
    /// <param name="dropProbability">Probability of replacing a sample's condition by zeros, in [0, 1].</param>
    /// <param name="generator">Random source; null for torch's global generator.</param>
    /// <param name="keep">Set to a float tensor (B) on cond's device, with cond's dtype: 1 where the condition was kept, else 0.</param>
    /// <returns>A new tensor of the same shape, dtype and device.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropProbability"/> is outside [0, 1].</exception>
    public static Tensor Apply(Tensor cond, double dropProbability, Generator? generator, out Tensor keep)
    {
        ArgumentNullException.ThrowIfNull(cond);
        if (!(dropProbability >= 0 && dropProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(dropProbability), dropProbability, "dropProbability must be in [0, 1].");
        using var scope = NewDisposeScope();
        var shape = new long[cond.dim()];
        Array.Fill(shape, 1L);
        shape[0] = cond.shape[0];
        var mask = Rng.Uniform([cond.shape[0]], cond.device, generator).ge(dropProbability).to(cond.dtype);
        var result = cond * mask.view(shape);
        keep = mask.MoveToOuterDisposeScope();
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Shot/trace dropout (README state): each shot (axis 1) is zeroed with probability <paramref name="shotDropProbability"/>
    /// except one random shot per sample that is always kept; then, per (sample, shot), each receiver column (last axis)
    /// is zeroed with probability <paramref name="traceDropProbability"/> except one random column that is always kept.
    /// </summary>
    /// <param name="cond">Seismic conditions (B, shots, time, receivers), e.g. (B, 5, H, W). Not modified.</param>
    /// <param name="shotDropProbability">Per-shot drop probability in [0, 1]. The default value is 0.5.</param>
    /// <param name="traceDropProbability">Per-column drop probability in [0, 1]. The default value is 0.5.</param>
    /// <param name="generator">Random source; null for torch's global generator.</param>
    /// <returns>A new tensor of the same shape, dtype and device.</returns>
    /// <exception cref="ArgumentException"><paramref name="cond"/> is not four-dimensional.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A probability is outside [0, 1].</exception>
    public static Tensor ApplyShotTrace(Tensor cond, double shotDropProbability = 0.5, double traceDropProbability = 0.5, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(cond);
        if (cond.dim() != 4)
            throw new ArgumentException($"cond must be (B, shots, time, receivers); got shape [{string.Join(", ", cond.shape)}].", nameof(cond));
        if (!(shotDropProbability >= 0 && shotDropProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(shotDropProbability), shotDropProbability, "shotDropProbability must be in [0, 1].");
        if (!(traceDropProbability >= 0 && traceDropProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(traceDropProbability), traceDropProbability, "traceDropProbability must be in [0, 1].");

        using var scope = NewDisposeScope();
        long b = cond.shape[0], shots = cond.shape[1], receivers = cond.shape[3];
        var device = cond.device;

        var keepShot = Rng.Uniform([b, shots], device, generator).ge(shotDropProbability);
        var forcedShot = Rng.Integers(0, shots, [b, 1], device, generator);
        keepShot = keepShot.scatter(1, forcedShot, torch.ones(b, 1, dtype: ScalarType.Bool, device: device));

        var keepTrace = Rng.Uniform([b, shots, receivers], device, generator).ge(traceDropProbability);
        var forcedTrace = Rng.Integers(0, receivers, [b, shots, 1], device, generator);
        keepTrace = keepTrace.scatter(2, forcedTrace, torch.ones(b, shots, 1, dtype: ScalarType.Bool, device: device));

        var mask = keepShot.view(b, shots, 1, 1).logical_and(keepTrace.view(b, shots, 1, receivers)).to(cond.dtype);
        return (cond * mask).MoveToOuterDisposeScope();
    }
}

using Seismic.Diffusion.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Models;

/// <summary>
/// A bfloat16 or float16 working copy of a float32 <see cref="BridgeNetwork"/> (the master weights): mixed precision by
/// hand, since TorchSharp 0.107 has no autocast (docs/training.md, "Precision"). <see cref="PullWeights"/> rounds the
/// master weights into the copy; the copy's forward and backward passes run in the low precision and still take and
/// return float32 tensors; <see cref="PushGradients"/> adds its gradients, in float32, to the master's. Optimiser state,
/// EMA and checkpoints stay with the float32 master.
/// </summary>
public sealed class LowPrecisionCopy : IDisposable
{
    private readonly Tensor[] _master;
    private readonly Tensor[] _working;

    /// <summary>Makes the working copy of <paramref name="master"/> in <paramref name="precision"/>'s number format.</summary>
    /// <param name="master">The float32 network; the copy follows it by <see cref="PullWeights"/>.</param>
    /// <param name="precision">Resolved bfloat16 or float16 (see <see cref="PrecisionChoice.Resolve"/>).</param>
    /// <exception cref="ArgumentException"><paramref name="precision"/> is float32: no copy is needed.</exception>
    public LowPrecisionCopy(BridgeNetwork master, PrecisionChoice precision)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(precision);
        if (precision.Precision is not (Precision.Bf16 or Precision.Fp16))
            throw new ArgumentException($"A low-precision copy is made for bf16 or fp16, not {precision.Precision}.", nameof(precision));
        Master = master;
        Precision = precision.Precision;
        Working = master.CopyIn(precision.ScalarType);
        _master = master.parameters().Select(p => (Tensor)p).ToArray();
        _working = Working.parameters().Select(p => (Tensor)p).ToArray();
        PullWeights();
    }

    /// <summary>The float32 network whose weights the copy follows.</summary>
    public BridgeNetwork Master { get; }

    /// <summary>The low-precision network: float32 in, float32 out, low precision inside.</summary>
    public BridgeNetwork Working { get; }

    /// <summary>The working copy's number format.</summary>
    public Precision Precision { get; }

    /// <summary>Copies the master's current weights (rounded) into the working copy, and its train/eval mode.</summary>
    public void PullWeights()
    {
        using (no_grad())
        {
            for (int i = 0; i < _master.Length; i++) _working[i].copy_(_master[i]);
        }
        Working.train(Master.training);
    }

    /// <summary>
    /// Adds the working copy's gradients, in float32 and divided by <paramref name="scale"/> (a loss scale), to the
    /// master's, and clears the copy's. Call it after every backward pass, so that sums over microbatches are float32 sums.
    /// A float16 overflow shows as non-finite master gradients (the trainer checks them once, after the all-reduce).
    /// </summary>
    public void PushGradients(double scale = 1.0)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < _master.Length; i++)
        {
            var g = _working[i].grad;
            if (g is null) continue;
            var g32 = g.to_type(ScalarType.Float32);
            if (scale != 1.0) g32.div_(scale);
            // The parameter keeps its own reference to a gradient it is given: the scope may dispose this handle.
            if (_master[i].grad is { } target) target.add_(g32);
            else _master[i].grad = g32;
            g.zero_();
        }
    }

    /// <inheritdoc />
    public void Dispose() => Working.Dispose();
}

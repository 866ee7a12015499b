using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Sampling;

/// <summary>
/// An ensemble of K samples per input with its per-pixel statistics. Owns its tensors: dispose it when done.
/// </summary>
public sealed class EnsembleResult : IDisposable
{
    /// <summary>Wraps members and computes their mean and standard deviation (in float64, stored as float32).</summary>
    /// <param name="members">(B, K, C, H, W), float32; owned by the result from now on.</param>
    /// <param name="networkCalls">Network calls spent drawing them (for reports).</param>
    /// <exception cref="ArgumentException">The members are not (B, K, C, H, W) with K at least 1.</exception>
    public EnsembleResult(Tensor members, int networkCalls = 0)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.dim() != 5 || members.shape[1] < 1)
            throw new ArgumentException($"Ensemble members must be (B, K, C, H, W); got shape ({string.Join(", ", members.shape)}).", nameof(members));
        Members = members;
        NetworkCalls = networkCalls;
        using var scope = NewDisposeScope();
        var wide = members.to(float64);
        Mean = wide.mean([1]).to(float32).MoveToOuterDisposeScope();
        // The sample standard deviation (K - 1), an unbiased variance even for small K; 0 for a single member.
        Std = (Size > 1 ? wide.std(1, unbiased: true) : zeros_like(wide.select(1, 0))).to(float32).MoveToOuterDisposeScope();
    }

    /// <summary>The members (B, K, C, H, W), input-major, on the device the sampler copied them to (the CPU).</summary>
    public Tensor Members { get; }

    /// <summary>Per-pixel mean over the members (B, C, H, W).</summary>
    public Tensor Mean { get; }

    /// <summary>Per-pixel sample standard deviation over the members (B, C, H, W), divided by K - 1; zeros when K = 1.</summary>
    public Tensor Std { get; }

    /// <summary>Members per input, K.</summary>
    public int Size => (int)Members.shape[1];

    /// <summary>Network calls spent drawing the members.</summary>
    public int NetworkCalls { get; }

    /// <summary>Per-pixel median over the members (B, C, H, W): the middle value, or the mean of the two middle values
    /// for even K (as numpy's median). The caller owns the tensor.</summary>
    public Tensor Median()
    {
        using var scope = NewDisposeScope();
        var sorted = Members.sort(1).Values;
        int k = Size;
        var median = k % 2 == 1 ? sorted.select(1, k / 2) : (sorted.select(1, k / 2 - 1) + sorted.select(1, k / 2)) / 2;
        return median.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The index of each input's member with the lowest score (the first one on ties).</summary>
    /// <param name="misfit">One score per member, (B, K) row-major, e.g. relative L2 data misfits.</param>
    /// <exception cref="ArgumentException">Not B x K scores, or a NaN score.</exception>
    public int[] LowestMisfitMembers(ReadOnlySpan<double> misfit)
    {
        int b = (int)Members.shape[0], k = Size;
        if (misfit.Length != b * k)
            throw new ArgumentException($"Expected {b} x {k} misfits, one per member; got {misfit.Length}.", nameof(misfit));
        var best = new int[b];
        for (int i = 0; i < b; i++)
            for (int m = 0; m < k; m++)
            {
                double v = misfit[i * k + m];
                if (double.IsNaN(v)) throw new ArgumentException($"The misfit of member {m} of input {i} is NaN.", nameof(misfit));
                if (v < misfit[i * k + best[i]]) best[i] = m;
            }
        return best;
    }

    /// <summary>One prediction per input (B, C, H, W) chosen by <paramref name="rule"/>. The caller owns the tensor.</summary>
    /// <param name="rule">Mean, median or the member with the lowest misfit.</param>
    /// <param name="misfit">One score per member, (B, K) row-major; required by <see cref="EnsembleSelection.LowestMisfit"/>.</param>
    /// <exception cref="ArgumentException">Lowest-misfit selection without B x K scores, or an undefined rule.</exception>
    public Tensor Select(EnsembleSelection rule, ReadOnlySpan<double> misfit = default)
    {
        switch (rule)
        {
            case EnsembleSelection.Mean:
                return Mean.clone();
            case EnsembleSelection.Median:
                return Median();
            case EnsembleSelection.LowestMisfit:
                var best = LowestMisfitMembers(misfit);
                using (var scope = NewDisposeScope())
                {
                    var picked = Enumerable.Range(0, best.Length).Select(i => Members[i, best[i]]).ToArray();
                    return torch.stack(picked, 0).MoveToOuterDisposeScope();
                }
            default:
                throw new ArgumentException($"Unknown ensemble selection {rule}.", nameof(rule));
        }
    }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        Members.Dispose();
        Mean.Dispose();
        Std.Dispose();
    }
}

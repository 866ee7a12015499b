using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Sampling;

/// <summary>
/// Draws K posterior samples (an ensemble) per input with <see cref="BridgeSampler"/>: each input is repeated K times
/// and the copies go through the network together, so a step costs one call of K rows instead of K calls, in chunks of
/// at most <see cref="EnsembleOptions.MaxBatch"/> rows. Members differ only by their posterior noise, so an
/// OT-ODE bridge or <see cref="SamplerOptions.Deterministic"/> gives K identical members, and so does NFE 1 (the only
/// step lands on step 0, where no noise is added).
/// </summary>
/// <remarks>
/// Rows are ordered input-major (input 0's members first) and chunks run in order with the one generator, so a seed
/// fixes every member. With K = 1 and at most <see cref="EnsembleOptions.MaxBatch"/> inputs the sampler makes exactly
/// the draws of one <see cref="BridgeSampler.Sample"/> call and returns the same result. Each chunk's members are
/// copied to the CPU at once, so the device holds one chunk at a time.
/// </remarks>
public sealed class EnsembleSampler
{
    private readonly BridgeSampler _sampler;
    private readonly EnsembleOptions _ensemble;

    /// <summary>Creates an ensemble sampler.</summary>
    /// <param name="bridge">The bridge; not owned.</param>
    /// <param name="network">The network; not owned.</param>
    /// <param name="sampler">Options of each sampler run; null for the reference defaults. The trajectory is not logged.</param>
    /// <param name="ensemble">Ensemble size and chunking; null for the defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public EnsembleSampler(Bridge bridge, IBridgeNetwork network, SamplerOptions? sampler = null, EnsembleOptions? ensemble = null)
    {
        ensemble ??= new EnsembleOptions();
        ensemble.Validate();
        _ensemble = ensemble;
        _sampler = new BridgeSampler(bridge, network, (sampler ?? new SamplerOptions()) with { LogCount = 0 });
    }

    /// <summary>Members per input.</summary>
    public int Members => _ensemble.Members;

    /// <summary>Draws <see cref="Members"/> samples of x0 for every input.</summary>
    /// <param name="x1">Start states (B, C, H, W). Not modified.</param>
    /// <param name="cond">Condition (B, Cc, H, W), or null for the null condition.</param>
    /// <param name="generator">Random source of the posterior noise; null for torch's global generator.</param>
    /// <returns>The members (B, K, C, H, W) on the CPU with their mean and standard deviation; the caller owns it.</returns>
    public EnsembleResult Sample(Tensor x1, Tensor? cond = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(x1);
        return Draw(x1, x1.shape[0], perMember: false, cond, generator);
    }

    /// <summary>
    /// Draws one sample of x0 from each member's own start state: member j of input i starts from <c>x1[i, j]</c>
    /// (e.g. its own corruption draw), in the rows, chunks and generator order of <see cref="Sample"/>; with every member
    /// of an input given the same start state the result is <see cref="Sample"/>'s.
    /// </summary>
    /// <param name="x1">Start states (B, K, C, H, W), K = <see cref="Members"/>. Not modified.</param>
    /// <param name="cond">Condition (B, Cc, H, W), shared by an input's members, or null for the null condition.</param>
    /// <param name="generator">Random source of the posterior noise; null for torch's global generator.</param>
    /// <returns>The members (B, K, C, H, W) on the CPU with their mean and standard deviation; the caller owns it.</returns>
    /// <exception cref="ArgumentException"><paramref name="x1"/> is not (B, K, C, H, W) with K = <see cref="Members"/>.</exception>
    public EnsembleResult SampleMembers(Tensor x1, Tensor? cond = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(x1);
        if (x1.dim() != 5 || x1.shape[1] != Members)
            throw new ArgumentException($"x1 must be (B, {Members}, C, H, W), one start state per member; got [{string.Join(", ", x1.shape)}].", nameof(x1));
        using var rows = x1.reshape([x1.shape[0] * Members, .. x1.shape[2..]]);
        return Draw(rows, x1.shape[0], perMember: true, cond, generator);
    }

    private EnsembleResult Draw(Tensor x1, long inputs, bool perMember, Tensor? cond, Generator? generator)
    {
        long k = Members, rows = inputs * k;
        int calls = 0;
        Tensor members;
        using (var outer = NewDisposeScope())
        {
            var chunks = new List<Tensor>();
            for (long start = 0; start < rows; start += _ensemble.MaxBatch)
            {
                using var scope = NewDisposeScope();
                long end = Math.Min(rows, start + _ensemble.MaxBatch);
                // Row r is member r % K of input r / K.
                var row = torch.arange(start, end, dtype: ScalarType.Int64);
                var source = row.div(k, rounding_mode: RoundingMode.floor);
                var x = x1.index_select(0, (perMember ? row : source).to(x1.device));
                var c = cond?.index_select(0, source.to(cond.device));
                using var result = _sampler.Sample(x, c, generator);
                calls += result.NetworkCalls;
                chunks.Add(result.X0.cpu().clone().MoveToOuterDisposeScope());
            }
            members = torch.cat(chunks, 0).view([inputs, k, .. x1.shape[1..]]).MoveToOuterDisposeScope();
        }
        // Built outside the scope above, so its statistics belong to the caller like the members.
        return new EnsembleResult(members, calls);
    }
}

namespace Seismic.Diffusion.Sampling;

/// <summary>How an ensemble is drawn by <see cref="EnsembleSampler"/>. Immutable; vary it with <c>with</c>.</summary>
public sealed record EnsembleOptions
{
    /// <summary>Members K drawn per input, each with its own posterior noise. The default value is 8.</summary>
    public int Members { get; init; } = 8;

    /// <summary>
    /// Most rows (inputs x members) sent through the network in one sampler run; larger ensembles run in chunks of this
    /// size one after the other, which bounds the memory of a step. The default value is 16.
    /// </summary>
    public int MaxBatch { get; init; } = 16;

    /// <summary>
    /// What makes the members differ: the sampler's posterior noise (the default), each member's own corruption draw of
    /// the input (the posterior over x1 given x0, as the Python original's sample.py draws it; the sampler then adds no
    /// noise), or both. Corruption draws are made by the caller (<see cref="EnsembleSampler.SampleMembers"/>).
    /// </summary>
    public EnsembleVariation Variation { get; init; } = EnsembleVariation.SamplerNoise;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it and the allowed range.</exception>
    public void Validate()
    {
        Check.That(Members >= 1, nameof(Members), $"must be at least 1, got {Members}");
        Check.That(MaxBatch >= 1, nameof(MaxBatch), $"must be at least 1, got {MaxBatch}");
        Check.That(Enum.IsDefined(Variation), nameof(Variation), $"{Variation} is not a defined value");
    }
}

/// <summary>What makes the members of an ensemble differ (<see cref="EnsembleOptions.Variation"/>).</summary>
public enum EnsembleVariation
{
    /// <summary>The sampler's posterior noise; every member starts from the same x1.</summary>
    SamplerNoise,

    /// <summary>Each member's own corruption draw of the input; the sampler adds no noise.</summary>
    Corruption,

    /// <summary>Each member's own corruption draw, and the sampler's noise.</summary>
    Both,
}

/// <summary>How one prediction is chosen from an ensemble.</summary>
public enum EnsembleSelection
{
    /// <summary>The per-pixel mean of the members.</summary>
    Mean,

    /// <summary>The per-pixel median of the members (the mean of the two middle values for even K).</summary>
    Median,

    /// <summary>The member with the lowest score given by the caller, e.g. the lowest physics data misfit.</summary>
    LowestMisfit,
}

namespace Seismic.Diffusion.Sampling;

/// <summary>How the conditional and unconditional network outputs are combined when guidance is on.</summary>
public enum GuidanceFormula
{
    /// <summary>The README state of the reference: <c>out = (1 + w) cond - w uncond</c>.</summary>
    Classic,

    /// <summary>The later upstream variant (docs/diffusion.md, "Sampling"): <c>out = w cond + (1 - w) uncond</c>.</summary>
    Mixture,
}

/// <summary>
/// Options of <see cref="BridgeSampler"/> (docs/diffusion.md, "Sampling"). Immutable: every property has the reference's
/// default; make variations with <c>with</c> (<c>options with { Nfe = 5 }</c>). <see cref="Validate"/> runs when a sampler is built.
/// </summary>
public sealed record SamplerOptions
{
    /// <summary>
    /// Number of network evaluations (steps of the reversed grid), 1 to N-1; each is one network call, two with guidance.
    /// The default value is null, meaning N-1 (999 for the default schedule), as in the reference.
    /// </summary>
    public int? Nfe { get; init; }

    /// <summary>
    /// Clamp x0_hat to [-1, 1] at every step (the reference's <c>--clip-denoise</c>): true or false say so; null leaves it
    /// to the model (a trained model's <c>ModelSpec.ClipDenoise</c>; a bare <see cref="BridgeSampler"/> does not clamp).
    /// The default value is null.
    /// </summary>
    public bool? ClipDenoise { get; init; }

    /// <summary>
    /// Guidance weight w. 0 (the default) means no guidance: one conditional call per step, whatever
    /// <see cref="Formula"/> says. Guidance needs a condition; without one every call is unconditional.
    /// </summary>
    public double GuidanceScale { get; init; }

    /// <summary>How guided outputs are combined. The default value is <see cref="GuidanceFormula.Classic"/> (README state).</summary>
    public GuidanceFormula Formula { get; init; } = GuidanceFormula.Classic;

    /// <summary>
    /// Sample without posterior noise even when the bridge is stochastic (the later upstream switch for SDE-trained
    /// models). An OT-ODE bridge (<see cref="Bridge.OtOde"/>) is always deterministic. The default value is false.
    /// </summary>
    public bool Deterministic { get; init; }

    /// <summary>
    /// Number of trajectory states to log (x and x0_hat at evenly spaced grid points, always including the final
    /// state); capped at the NFE. The default value is 0 (no trajectory); the reference logs 10.
    /// </summary>
    public int LogCount { get; init; }

    /// <summary>Checks every option against a schedule of <paramref name="interval"/> steps.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it and the allowed range.</exception>
    public void Validate(int interval)
    {
        Check.That(Nfe is not { } nfe || (nfe >= 1 && nfe < interval), nameof(Nfe), $"must be in [1, {interval - 1}] for interval {interval}, got {Nfe}");
        Check.That(double.IsFinite(GuidanceScale), nameof(GuidanceScale), $"must be finite, got {GuidanceScale}");
        Check.That(Enum.IsDefined(Formula), nameof(Formula), $"{Formula} is not a defined value");
        Check.That(LogCount >= 0, nameof(LogCount), $"must be >= 0, got {LogCount}");
    }
}

namespace Seismic.Diffusion;

/// <summary>What the network is trained to predict (docs/diffusion.md, "Training with the bridge").</summary>
public enum BridgeParameterization
{
    /// <summary>The reference default: the noise-like label <c>(x_n - x0) / std_fwd[n]</c>; <c>x0_hat = x_n - std_fwd[n] out</c>.</summary>
    NoiseLike,

    /// <summary>The reference's <c>--pred-x0</c>: the label is x0 itself and <c>x0_hat = out</c>.</summary>
    PredX0,
}

/// <summary>
/// Options of the I2SB bridge: the schedule, the network time input and the parameterisation. Every property has the
/// reference's default; the record is immutable (variations with <c>with</c>). <see cref="Validate"/> runs when a
/// <see cref="Bridge"/> is built.
/// </summary>
public sealed record BridgeOptions
{
    /// <summary>Number of discrete steps N (even). The default value is 1000.</summary>
    public int Interval { get; init; } = BridgeSchedule.DefaultInterval;

    /// <summary>beta_max of the schedule (positive). The default value is 0.3.</summary>
    public double BetaMax { get; init; } = BridgeSchedule.DefaultBetaMax;

    /// <summary>Start of the network time range (affects only the time input). The default value is 1e-4.</summary>
    public double T0 { get; init; } = 1e-4;

    /// <summary>End of the network time range (affects only the time input). The default value is 1.0.</summary>
    public double T { get; init; } = 1.0;

    /// <summary>What the network predicts. The default value is <see cref="BridgeParameterization.NoiseLike"/>.</summary>
    public BridgeParameterization Parameterization { get; init; } = BridgeParameterization.NoiseLike;

    /// <summary>
    /// The reference's <c>--ot-ode</c>: drop the noise term from q_sample (training) and from every posterior step
    /// (sampling). The default value is false (the SDE bridge).
    /// </summary>
    public bool OtOde { get; init; }

    /// <summary>The largest <see cref="Interval"/> accepted (the reference uses 1000; the schedule keeps several arrays of this length).</summary>
    public const int MaxInterval = 1_000_000;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it and the allowed range.</exception>
    public void Validate()
    {
        Check.That(Interval >= 2 && Interval % 2 == 0 && Interval <= MaxInterval, nameof(Interval), $"must be an even number in [2, {MaxInterval}], got {Interval}");
        Check.That(BetaMax > 0 && double.IsFinite(BetaMax), nameof(BetaMax), $"must be a positive finite number, got {BetaMax}");
        Check.That(double.IsFinite(T0), nameof(T0), $"must be finite, got {T0}");
        Check.That(double.IsFinite(T) && T > T0, nameof(T), $"must be finite and greater than T0 = {T0}, got {T}");
        Check.That(Enum.IsDefined(Parameterization), nameof(Parameterization), $"{Parameterization} is not a defined value");
    }
}

using static TorchSharp.torch;

namespace Seismic.Diffusion.Sampling;

/// <summary>
/// The outcome of one <see cref="BridgeSampler.Sample"/> call. Owns its tensors: dispose it (or move the tensors you
/// keep out) when done.
/// </summary>
public sealed class SamplingResult : IDisposable
{
    internal SamplingResult(Tensor x0, Tensor? states, Tensor? x0Predictions, int[] loggedSteps, int nfe, int networkCalls)
    {
        X0 = x0;
        States = states;
        X0Predictions = x0Predictions;
        LoggedSteps = loggedSteps;
        Nfe = nfe;
        NetworkCalls = networkCalls;
    }

    /// <summary>The final state of the reverse bridge (step 0), shape of x1, on the bridge's device. It is the result,
    /// not the last x0_hat.</summary>
    public Tensor X0 { get; }

    /// <summary>
    /// Logged states x_{n'} (B, L, C, H, W) on the CPU, ordered like <see cref="LoggedSteps"/> (index 0 is the final
    /// state at step 0, as the reference orders them); null when no trajectory was asked for.
    /// </summary>
    public Tensor? States { get; }

    /// <summary>The x0_hat that produced each logged state (B, L, C, H, W) on the CPU; null when no trajectory was asked for.</summary>
    public Tensor? X0Predictions { get; }

    /// <summary>The step n' of each logged state, ascending (the first is 0); empty without a trajectory.</summary>
    public IReadOnlyList<int> LoggedSteps { get; }

    /// <summary>Number of grid steps taken.</summary>
    public int Nfe { get; }

    /// <summary>Number of <see cref="IBridgeNetwork.Predict"/> calls made (NFE, or 2 NFE with guidance).</summary>
    public int NetworkCalls { get; }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        X0.Dispose();
        States?.Dispose();
        X0Predictions?.Dispose();
    }
}

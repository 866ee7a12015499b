using Seismic.Diffusion.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Sampling;

/// <summary>
/// Runs the reverse bridge from x1 to x0 (docs/diffusion.md, "Sampling"): ancestral (SDE) sampling, or OT-ODE / deterministic sampling, over
/// the step grid for any NFE, with optional clip-denoise, classifier-free guidance and trajectory logging.
/// </summary>
/// <remarks>
/// The loop starts at <c>x = x1</c> exactly; for each consecutive pair (n, n') of the reversed grid it calls the
/// network at n, recovers x0_hat and takes the posterior step to n'. Each step runs in its own dispose scope, so only
/// the current state survives it; the call frees everything except the returned <see cref="SamplingResult"/>.
/// Runs under <c>no_grad</c>; put the network in eval mode (and swap in EMA weights) before calling.
/// </remarks>
public sealed class BridgeSampler
{
    private readonly Bridge _bridge;
    private readonly IBridgeNetwork _network;
    private readonly SamplerOptions _options;

    /// <summary>Creates a sampler.</summary>
    /// <param name="bridge">The bridge (schedule, parameterisation, OT-ODE setting); not owned.</param>
    /// <param name="network">The network to call; not owned.</param>
    /// <param name="options">Sampling options; null for the reference defaults. Validated here.</param>
    /// <exception cref="ArgumentException">An option is out of range for the bridge's schedule.</exception>
    public BridgeSampler(Bridge bridge, IBridgeNetwork network, SamplerOptions? options = null)
    {
        _bridge = bridge ?? throw new ArgumentNullException(nameof(bridge));
        _network = network ?? throw new ArgumentNullException(nameof(network));
        options ??= new SamplerOptions();
        options.Validate(bridge.Interval);
        _options = options;
        Steps = bridge.Schedule.StepGrid(Nfe);
    }

    /// <summary>The effective number of network evaluations.</summary>
    public int Nfe => _options.Nfe ?? _bridge.Interval - 1;

    /// <summary>The ascending step grid (NFE + 1 steps from 0 to N-1).</summary>
    public IReadOnlyList<int> Steps { get; }

    /// <summary>True when no posterior noise is added (OT-ODE bridge or <see cref="SamplerOptions.Deterministic"/>).</summary>
    public bool IsDeterministic => _bridge.OtOde || _options.Deterministic;

    /// <summary>Samples x0 from x1.</summary>
    /// <param name="x1">Start states (B, C, H, W), typically corrupted velocities; moved to the bridge's device. Not modified.</param>
    /// <param name="cond">Condition (B, Cc, H, W) passed to the network, or null for the null condition.</param>
    /// <param name="generator">Random source of the posterior noise; null for torch's global generator. Unused when
    /// <see cref="IsDeterministic"/>.</param>
    /// <param name="onStep">Called after each step with (steps done, NFE); null for none.</param>
    /// <returns>The final state and, when <see cref="SamplerOptions.LogCount"/> &gt; 0, the trajectory.</returns>
    /// <exception cref="ArgumentException">The network returned a tensor whose shape differs from x1's.</exception>
    public SamplingResult Sample(Tensor x1, Tensor? cond = null, Generator? generator = null, Action<int, int>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(x1);
        using var noGrad = torch.no_grad();
        using var outer = NewDisposeScope();

        int nfe = Nfe;
        int logCount = Math.Min(nfe, _options.LogCount);
        var logSteps = logCount > 0
            ? BridgeSchedule.SpaceIndices(nfe, logCount).Select(i => Steps[i]).ToHashSet()
            : [];
        var loggedStates = new List<Tensor>();
        var loggedX0 = new List<Tensor>();
        var loggedSteps = new List<int>();

        bool deterministic = IsDeterministic;
        var device = _bridge.Device;
        var condOnDevice = cond?.to(device);
        bool guided = _options.GuidanceScale != 0 && condOnDevice is not null;
        long batch = x1.shape[0];
        int calls = 0;

        var x = x1.detach().to(device);
        for (int k = nfe; k >= 1; k--)
        {
            int n = Steps[k], nPrev = Steps[k - 1];
            using var scope = NewDisposeScope();
            var steps = torch.full(batch, n, dtype: ScalarType.Int64, device: device);
            var output = Predict(x, steps, condOnDevice, guided, ref calls);
            var x0Hat = _bridge.RecoverX0(steps, x, output, _options.ClipDenoise ?? false);
            var next = _bridge.PosteriorStep(nPrev, n, x, x0Hat, generator, otOde: deterministic ? true : null);
            if (logSteps.Contains(nPrev))
            {
                loggedStates.Add(next.cpu().clone().MoveToOuterDisposeScope());
                loggedX0.Add(x0Hat.cpu().clone().MoveToOuterDisposeScope());
                loggedSteps.Add(nPrev);
            }
            var previous = x;
            x = next.MoveToOuterDisposeScope();
            previous.Dispose(); // free each state as soon as it is replaced: memory stays flat for any NFE
            onStep?.Invoke(nfe - k + 1, nfe);
        }

        Tensor? states = null, x0Predictions = null;
        if (loggedSteps.Count > 0)
        {
            // Ascending steps, final state first, as the reference orders its trajectories.
            loggedStates.Reverse();
            loggedX0.Reverse();
            loggedSteps.Reverse();
            states = torch.stack(loggedStates, dim: 1).MoveToOuterDisposeScope();
            x0Predictions = torch.stack(loggedX0, dim: 1).MoveToOuterDisposeScope();
        }
        return new SamplingResult(x.MoveToOuterDisposeScope(), states, x0Predictions, loggedSteps.ToArray(), nfe, calls);
    }

    private Tensor Predict(Tensor x, Tensor steps, Tensor? cond, bool guided, ref int calls)
    {
        var conditional = _network.Predict(x, steps, cond);
        calls++;
        CheckOutput(conditional, x);
        if (!guided) return conditional;
        var unconditional = _network.Predict(x, steps, null);
        calls++;
        CheckOutput(unconditional, x);
        double w = _options.GuidanceScale;
        return _options.Formula == GuidanceFormula.Classic
            ? conditional * (1 + w) - unconditional * w
            : conditional * w + unconditional * (1 - w);
    }

    private static void CheckOutput(Tensor output, Tensor x)
    {
        if (!output.shape.SequenceEqual(x.shape))
            throw new ArgumentException(
                $"The network returned shape [{string.Join(", ", output.shape)}] for input [{string.Join(", ", x.shape)}]; they must match.");
    }
}

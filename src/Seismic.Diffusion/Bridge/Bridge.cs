using Seismic.Diffusion.Internal;
using Seismic.Diffusion.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion;

/// <summary>
/// The I2SB bridge operations on tensors (docs/diffusion.md, "Training with the bridge"): the marginal q_sample, the training label, recovery of x0 from a
/// network output, and the posterior step. Holds the schedule as float32 tensors on one device; dispose it to free them.
/// </summary>
/// <remarks>
/// Step tensors are int64 (or any integer type), shape (B), values in [0, N). Coefficients broadcast over all
/// non-batch dimensions, so images of any shape (B, C, H, W) work. Randomness comes from an optional
/// <see cref="Generator"/> (null: torch's global generator); noise is drawn on the generator's device and moved.
/// Methods create new tensors in the caller's dispose scope and never take ownership of their inputs.
/// </remarks>
public sealed class Bridge : IDisposable
{
    private readonly Tensor _stdFwd, _muX0, _muX1, _stdSb, _noiseLevels;
    private bool _disposed;

    /// <summary>Builds the bridge.</summary>
    /// <param name="options">Schedule, time range and parameterisation; null for the reference defaults. Validated here and
    /// copied, so later changes to the object have no effect.</param>
    /// <param name="device">Device of the schedule tensors and of every result; null for the CPU.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public Bridge(BridgeOptions? options = null, Device? device = null)
    {
        options ??= new BridgeOptions();
        options.Validate();
        TorchRuntime.EnsureAvailable();
        Schedule = BridgeSchedule.Create(options.Interval, options.BetaMax);
        Parameterization = options.Parameterization;
        OtOde = options.OtOde;
        T0 = options.T0;
        T = options.T;
        Device = device ?? CPU;
        var levels = Schedule.NoiseLevels(T0, T);
        NoiseLevels = Array.AsReadOnly(levels);

        _stdFwd = ToTensor(Schedule.StdFwd);
        _muX0 = ToTensor(Schedule.MuX0);
        _muX1 = ToTensor(Schedule.MuX1);
        _stdSb = ToTensor(Schedule.StdSb);
        _noiseLevels = torch.tensor(levels, dtype: ScalarType.Float32, device: Device);
    }

    /// <summary>The float64 schedule the tensors were made from.</summary>
    public BridgeSchedule Schedule { get; }

    /// <summary>Number of steps N.</summary>
    public int Interval => Schedule.Interval;

    /// <summary>What the network predicts.</summary>
    public BridgeParameterization Parameterization { get; }

    /// <summary>True when the bridge drops the noise terms (the reference's <c>--ot-ode</c>).</summary>
    public bool OtOde { get; }

    /// <summary>Start of the network time range.</summary>
    public double T0 { get; }

    /// <summary>End of the network time range.</summary>
    public double T { get; }

    /// <summary>Device of the schedule tensors and of every result.</summary>
    public Device Device { get; }

    /// <summary>The network time input per step, <c>linspace(T0, T, N) * N</c> in float32 (see <see cref="BridgeSchedule.NoiseLevels"/>).</summary>
    public IReadOnlyList<float> NoiseLevels { get; }

    /// <summary>Draws one training step per sample, uniform in [0, N) (docs/diffusion.md, "Training with the bridge", step 4).</summary>
    /// <param name="batchSize">Number of samples B (positive).</param>
    /// <param name="generator">Random source; null for torch's global generator.</param>
    /// <returns>An int64 tensor (B) on <see cref="Device"/>.</returns>
    public Tensor SampleSteps(long batchSize, Generator? generator = null)
    {
        ThrowIfDisposed();
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive.");
        return Rng.Integers(0, Interval, [batchSize], Device, generator);
    }

    /// <summary>The network time input <c>noise_levels[steps]</c> (docs/diffusion.md, "Schedule") for integer steps.</summary>
    /// <param name="steps">Integer steps (B) in [0, N).</param>
    /// <returns>A float32 tensor (B) on <see cref="Device"/>.</returns>
    public Tensor TimeInput(Tensor steps)
    {
        ThrowIfDisposed();
        using var idx = Indices(steps);
        return _noiseLevels.index_select(0, idx);
    }

    /// <summary>
    /// Samples the bridge marginal <c>x_n = mu_x0[n] x0 + mu_x1[n] x1 (+ std_sb[n] eps)</c> (docs/diffusion.md, "Training with the bridge", step 5).
    /// </summary>
    /// <param name="steps">Integer steps (B) in [0, N).</param>
    /// <param name="x0">Clean targets (B, ...), float32.</param>
    /// <param name="x1">Corrupted inputs, same shape as <paramref name="x0"/>.</param>
    /// <param name="generator">Random source of eps; null for torch's global generator.</param>
    /// <param name="otOde">Override of <see cref="OtOde"/>: true leaves out the noise term. Null uses the bridge's setting.</param>
    /// <exception cref="ArgumentException">Shapes disagree.</exception>
    public Tensor QSample(Tensor steps, Tensor x0, Tensor x1, Generator? generator = null, bool? otOde = null)
    {
        ThrowIfDisposed();
        CheckSameShape(x0, x1, nameof(x1));
        using var scope = NewDisposeScope();
        var xt = Gather(_muX0, steps, x0) * x0 + Gather(_muX1, steps, x0) * x1;
        if (!(otOde ?? OtOde))
            xt = xt + Gather(_stdSb, steps, x0) * Rng.Normal(x0.shape, x0.dtype, x0.device, generator);
        return xt.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The regression target for the network (docs/diffusion.md, "Training with the bridge", step 6): <c>(x_n - x0) / std_fwd[n]</c> by default, x0 itself with
    /// <see cref="BridgeParameterization.PredX0"/> (a copy).
    /// </summary>
    /// <param name="steps">Integer steps (B) in [0, N), those <paramref name="xn"/> was sampled at.</param>
    /// <param name="x0">Clean targets (B, ...).</param>
    /// <param name="xn">Bridge states from <see cref="QSample"/>.</param>
    public Tensor TrainingLabel(Tensor steps, Tensor x0, Tensor xn)
    {
        ThrowIfDisposed();
        CheckSameShape(x0, xn, nameof(xn));
        if (Parameterization == BridgeParameterization.PredX0) return x0.detach().clone();
        using var scope = NewDisposeScope();
        return ((xn - x0) / Gather(_stdFwd, steps, x0)).detach().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Recovers <c>x0_hat</c> from the network output (docs/diffusion.md, "Sampling"): <c>x_n - std_fwd[n] out</c> by default, <c>out</c> with
    /// <see cref="BridgeParameterization.PredX0"/>; clamped to [-1, 1] when <paramref name="clipDenoise"/>.
    /// </summary>
    /// <param name="steps">Integer steps (B) in [0, N).</param>
    /// <param name="xn">Bridge states the network saw.</param>
    /// <param name="output">The (guided) network output, same shape as <paramref name="xn"/>.</param>
    /// <param name="clipDenoise">Clamp the result to [-1, 1]. The default value is false.</param>
    public Tensor RecoverX0(Tensor steps, Tensor xn, Tensor output, bool clipDenoise = false)
    {
        ThrowIfDisposed();
        CheckSameShape(xn, output, nameof(output));
        using var scope = NewDisposeScope();
        var x0 = Parameterization == BridgeParameterization.PredX0
            ? output.alias()
            : xn - Gather(_stdFwd, steps, xn) * output;
        if (clipDenoise) x0 = x0.clamp(-1.0, 1.0);
        return x0.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One posterior step from n to n' &lt; n (docs/diffusion.md, "Sampling"): with <c>a2 = std_fwd[n']^2</c>, <c>s2 = std_fwd[n]^2</c>,
    /// <c>d2 = s2 - a2</c>: <c>x_{n'} = (d2/s2) x0_hat + (a2/s2) x_n</c>, plus <c>sqrt(a2 d2 / s2) eps</c> only when the
    /// step is stochastic and n' &gt; 0. The whole batch shares the pair (n', n); coefficients are computed in float64.
    /// </summary>
    /// <param name="nPrev">The target step n', 0 &lt;= n' &lt; n.</param>
    /// <param name="n">The current step n &lt; N.</param>
    /// <param name="xn">Current states x_n.</param>
    /// <param name="x0Hat">Predicted clean states, same shape.</param>
    /// <param name="generator">Random source of eps; null for torch's global generator.</param>
    /// <param name="otOde">Override of <see cref="OtOde"/>: true leaves out the noise term. Null uses the bridge's setting.</param>
    /// <exception cref="ArgumentOutOfRangeException">The steps are not ordered 0 &lt;= n' &lt; n &lt; N.</exception>
    public Tensor PosteriorStep(int nPrev, int n, Tensor xn, Tensor x0Hat, Generator? generator = null, bool? otOde = null)
    {
        ThrowIfDisposed();
        if (nPrev < 0 || nPrev >= n || n >= Interval)
            throw new ArgumentOutOfRangeException(nameof(nPrev), $"Posterior steps must satisfy 0 <= n' < n < {Interval}; got n' = {nPrev}, n = {n}.");
        CheckSameShape(xn, x0Hat, nameof(x0Hat));
        double a2 = Schedule.StdFwd[nPrev] * Schedule.StdFwd[nPrev];
        double s2 = Schedule.StdFwd[n] * Schedule.StdFwd[n];
        double d2 = s2 - a2;
        using var scope = NewDisposeScope();
        var x = x0Hat * (d2 / s2) + xn * (a2 / s2);
        if (!(otOde ?? OtOde) && nPrev > 0)
            x = x + Rng.Normal(xn.shape, xn.dtype, xn.device, generator) * Math.Sqrt(a2 * d2 / s2);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Frees the schedule tensors.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stdFwd.Dispose();
        _muX0.Dispose();
        _muX1.Dispose();
        _stdSb.Dispose();
        _noiseLevels.Dispose();
    }

    private Tensor ToTensor(IReadOnlyList<double> values)
    {
        var f = new float[values.Count];
        for (int i = 0; i < f.Length; i++) f[i] = (float)values[i];
        return torch.tensor(f, dtype: ScalarType.Float32, device: Device);
    }

    private Tensor Indices(Tensor steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.dim() != 1)
            throw new ArgumentException($"steps must be one-dimensional (B); got shape [{string.Join(", ", steps.shape)}].", nameof(steps));
        if (steps.dtype is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64)
            throw new ArgumentException($"steps must be an integer tensor; got {steps.dtype}.", nameof(steps));
        return steps.to(ScalarType.Int64, Device);
    }

    /// <summary>coef[steps] shaped (B, 1, ..., 1) to broadcast against <paramref name="like"/>.</summary>
    private Tensor Gather(Tensor coef, Tensor steps, Tensor like)
    {
        if (steps.shape[0] != like.shape[0])
            throw new ArgumentException($"steps has {steps.shape[0]} entries but the batch has {like.shape[0]} samples.", nameof(steps));
        var shape = new long[like.dim()];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        using var idx = Indices(steps);
        return coef.index_select(0, idx).to(like.dtype).view(shape);
    }

    private static void CheckSameShape(Tensor a, Tensor b, string name)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b, name);
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"{name} has shape [{string.Join(", ", b.shape)}] but [{string.Join(", ", a.shape)}] was expected.", name);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}

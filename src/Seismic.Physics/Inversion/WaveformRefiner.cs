using System.Diagnostics;
using Seismic.Physics.Acquisition;

namespace Seismic.Physics.Inversion;

/// <summary>
/// How <see cref="WaveformRefiner"/> inverts. Immutable: variations with <c>with</c>; <see cref="Validate"/> runs when a
/// refiner is created.
/// </summary>
public sealed record RefinementOptions
{
    /// <summary>Optimiser iterations; each costs one misfit gradient, plus a forward run for each step it has to shorten. The default value is 10.</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>Lowest velocity the refined model may take, m/s: the dataset's lower bound. The default value is 1500 (OpenFWI).</summary>
    public double MinVelocity { get; init; } = 1500;

    /// <summary>Highest velocity the refined model may take, m/s: the dataset's upper bound. The default value is 4500 (OpenFWI).</summary>
    public double MaxVelocity { get; init; } = 4500;

    /// <summary>
    /// The first iteration's largest velocity change in m/s (it has no curvature information yet to size its step; later
    /// steps are sized by L-BFGS). The default value is 100.
    /// </summary>
    public double FirstStep { get; init; } = 100;

    /// <summary>
    /// Weight of the prior that keeps the model near its start: the objective is
    /// <c>J(v) / J(v0) + PriorWeight / 2 * mean(((v - v0) / sigma)^2)</c>, with sigma the per-cell standard deviation given to
    /// <see cref="WaveformRefiner.Refine"/> (an ensemble's) or <see cref="PriorStd"/>. 0 (the default) lets the data decide alone.
    /// </summary>
    public double PriorWeight { get; init; }

    /// <summary>sigma of the prior in m/s where no per-cell standard deviation is given, and the floor of a given one. The default value is 50.</summary>
    public double PriorStd { get; init; } = 50;

    /// <summary>
    /// Water level of the illumination preconditioner, relative to the strongest-lit cell: the gradient is divided by
    /// <c>E + WaterLevel max E</c>, E the start's pseudo-Hessian diagonal (<see cref="MisfitGradient"/>), so cells far
    /// from the sources move as readily as those near them. 0 turns the preconditioner off. The default value is 0.001.
    /// </summary>
    public double WaterLevel { get; init; } = 0.001;

    /// <summary>Corrections L-BFGS remembers. The default value is 5.</summary>
    public int Memory { get; init; } = 5;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        Check.That(Iterations >= 0, nameof(Iterations), $"must be >= 0, got {Iterations}");
        Check.That(MinVelocity > 0, nameof(MinVelocity), $"must be positive, got {MinVelocity}");
        Check.That(MaxVelocity > MinVelocity && double.IsFinite(MaxVelocity), nameof(MaxVelocity),
            $"must be finite and greater than MinVelocity, got [{MinVelocity}, {MaxVelocity}]");
        Check.That(FirstStep > 0 && double.IsFinite(FirstStep), nameof(FirstStep), $"must be a positive number of m/s, got {FirstStep}");
        Check.That(PriorWeight >= 0 && double.IsFinite(PriorWeight), nameof(PriorWeight), $"must be >= 0, got {PriorWeight}");
        Check.That(PriorStd > 0 && double.IsFinite(PriorStd), nameof(PriorStd), $"must be a positive number of m/s, got {PriorStd}");
        Check.That(WaterLevel >= 0 && double.IsFinite(WaterLevel), nameof(WaterLevel), $"must be >= 0, got {WaterLevel}");
        Check.That(Memory >= 1, nameof(Memory), $"must be >= 1, got {Memory}");
    }
}

/// <summary>What a refinement did.</summary>
/// <param name="Velocity">The refined model, m/s, (depth, width).</param>
/// <param name="RelativeMisfit">The relative L2 seismogram misfit <c>||d - d_obs|| / ||d_obs||</c> at the start and after each
/// iteration (with the sponge held at the start's minimum velocity).</param>
/// <param name="Evaluations">Misfit gradients and forward runs the optimiser asked for.</param>
/// <param name="Seconds">Wall-clock seconds.</param>
/// <param name="StopReason">Why the optimiser stopped.</param>
public sealed record RefinementResult(float[] Velocity, IReadOnlyList<double> RelativeMisfit, int Evaluations, double Seconds, string StopReason);

/// <summary>
/// Full-waveform inversion from a given model: minimises the seismogram misfit (<see cref="MisfitGradient"/>) against one
/// sample's observed data with bound-constrained L-BFGS, velocities kept within the dataset's range. Started from a
/// bridge prediction it sharpens what the recorded data constrain; started from the smoothed input it is classical FWI.
/// Thread-safe; parallel over shots.
/// </summary>
public sealed class WaveformRefiner
{
    private readonly MisfitGradient _gradient;

    /// <summary>Creates a refiner.</summary>
    /// <param name="options">How to invert; null for the defaults.</param>
    /// <param name="acquisition">The acquisition of the observed data; the default is <see cref="AcquisitionOptions.OpenFwi"/>.</param>
    /// <param name="maxDegreeOfParallelism">Threads (over shots); -1 uses all cores.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public WaveformRefiner(RefinementOptions? options = null, AcquisitionOptions? acquisition = null, int maxDegreeOfParallelism = -1)
    {
        Options = options ?? new RefinementOptions();
        Options.Validate();
        _gradient = new MisfitGradient(acquisition, maxDegreeOfParallelism);
    }

    /// <summary>The options in use.</summary>
    public RefinementOptions Options { get; }

    /// <summary>The acquisition modelled.</summary>
    public AcquisitionOptions Acquisition => _gradient.Acquisition;

    /// <summary>Refines <paramref name="start"/> against <paramref name="observed"/>.</summary>
    /// <param name="start">The starting model, m/s, (depth, width); values outside the bounds are clamped first.</param>
    /// <param name="observed">Observed data, (shots, time samples, receivers), raw amplitudes.</param>
    /// <param name="priorStd">Per-cell standard deviation of the start in m/s (e.g. an ensemble's), used by the prior when
    /// <see cref="RefinementOptions.PriorWeight"/> is positive; empty uses <see cref="RefinementOptions.PriorStd"/>.</param>
    /// <param name="progress">Receives (iteration, relative misfit) after each iteration.</param>
    /// <param name="cancellationToken">Cancels between evaluations.</param>
    /// <exception cref="ArgumentException">Wrong lengths, a non-finite start, or observed data that are all zero.</exception>
    public RefinementResult Refine(ReadOnlySpan<float> start, ReadOnlyMemory<float> observed, ReadOnlySpan<float> priorStd = default,
                                   IProgress<(int Iteration, double RelativeMisfit)>? progress = null, CancellationToken cancellationToken = default)
    {
        var acq = Acquisition;
        int n = acq.ModelSize;
        if (start.Length != n) throw new ArgumentException($"start has {start.Length} values, expected {acq.ModelDepth} x {acq.ModelWidth} = {n}.", nameof(start));
        if (!priorStd.IsEmpty && priorStd.Length != n) throw new ArgumentException($"priorStd has {priorStd.Length} values, expected {n} or none.", nameof(priorStd));
        var clock = Stopwatch.StartNew();
        var o = Options;
        var v0 = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (!float.IsFinite(start[i])) throw new ArgumentException($"start velocity at cell (z={i / acq.ModelWidth}, x={i % acq.ModelWidth}) is {start[i]}.", nameof(start));
            v0[i] = Math.Clamp(start[i], o.MinVelocity, o.MaxVelocity);
        }
        var weight = new double[n]; // PriorWeight / (n sigma^2) per cell
        for (int i = 0; i < n; i++)
        {
            double sigma = priorStd.IsEmpty ? o.PriorStd : Math.Max(priorStd[i], o.PriorStd);
            weight[i] = o.PriorWeight / (n * sigma * sigma);
        }
        // The sponge is held at the start's minimum: the misfit is then a smooth function of every cell (docs/refinement.md).
        double sponge = v0.Min();
        var velocity = new float[n];
        var cellGradient = new double[n];
        var misfitOf = new Dictionary<double, double>(); // objective value -> J / J0 of the same evaluation

        // The start's misfit, gradient and illumination, once: the optimiser's first evaluation reuses them.
        for (int i = 0; i < n; i++) velocity[i] = (float)v0[i];
        var illumination = new double[n];
        double j0 = _gradient.Evaluate(velocity, observed, cellGradient, illumination, sponge, cancellationToken);
        if (!(j0 > 0)) return new RefinementResult(velocity, [0], 1, clock.Elapsed.TotalSeconds, "start fits exactly");
        double[]? preconditioner = null;
        if (o.WaterLevel > 0)
        {
            double level = o.WaterLevel * illumination.Max();
            preconditioner = [.. illumination.Select(e => level / (e + level))];
        }
        bool startCached = true;

        double Objective(ReadOnlySpan<double> x, Span<double> gradient)
        {
            for (int i = 0; i < n; i++) velocity[i] = (float)x[i];
            double j = startCached && x.SequenceEqual(v0) ? j0 : _gradient.Evaluate(velocity, observed, cellGradient, sponge, cancellationToken);
            startCached = false;
            double value = j / j0;
            for (int i = 0; i < n; i++)
            {
                double d = x[i] - v0[i];
                value += 0.5 * weight[i] * d * d;
                gradient[i] = cellGradient[i] / j0 + weight[i] * d;
            }
            misfitOf[value] = j / j0;
            return value;
        }

        var lbfgs = new LbfgsOptions
        {
            MaxIterations = o.Iterations, Memory = o.Memory, Lower = o.MinVelocity, Upper = o.MaxVelocity, FirstStepMaxChange = o.FirstStep,
            Preconditioner = preconditioner,
        };
        // Reported without the prior term, as users compare misfits: relative L2 = sqrt(2 J).
        double Relative(double objective) => Math.Sqrt(2 * j0 * misfitOf.GetValueOrDefault(objective, objective));
        var result = BoundedLbfgs.Minimize(Objective, v0, lbfgs,
            new SyncProgress(p => progress?.Report((p.Iteration, Relative(p.Value)))), cancellationToken);
        var refined = new float[n];
        for (int i = 0; i < n; i++) refined[i] = (float)result.X[i];
        return new RefinementResult(refined, [.. result.History.Select(Relative)], result.Evaluations, clock.Elapsed.TotalSeconds, result.StopReason);
    }

    private sealed class SyncProgress(Action<LbfgsProgress> report) : IProgress<LbfgsProgress>
    {
        public void Report(LbfgsProgress value) => report(value);
    }
}

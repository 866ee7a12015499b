namespace Seismic.Physics.Inversion;

/// <summary>The value of an objective at <paramref name="x"/>, with its gradient written into <paramref name="gradient"/>.</summary>
internal delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>
/// Settings of <see cref="BoundedLbfgs.Minimize"/>. Every variable has the same box [<see cref="Lower"/>, <see cref="Upper"/>]
/// (a velocity model's physical range). <see cref="Validate"/> runs once, when <see cref="BoundedLbfgs.Minimize"/> starts.
/// </summary>
internal sealed record LbfgsOptions
{
    /// <summary>Accepted iterations at most (the budget); 0 only evaluates the start. Required.</summary>
    public required int MaxIterations { get; init; }

    /// <summary>Curvature pairs (s, y) kept. The default value is 8.</summary>
    public int Memory { get; init; } = 8;

    /// <summary>The lower bound of every variable. Required.</summary>
    public required double Lower { get; init; }

    /// <summary>The upper bound of every variable. Required.</summary>
    public required double Upper { get; init; }

    /// <summary>
    /// The largest change of any variable on a step taken without curvature information (the first, and after a restart),
    /// in the variables' units: that step is -g scaled to this. Required.
    /// </summary>
    public required double FirstStepMaxChange { get; init; }

    /// <summary>
    /// A positive diagonal scaling of the variables (an approximate inverse-Hessian diagonal, e.g. the inverse
    /// illumination in FWI): the initial inverse Hessian becomes <c>Gamma diag(Preconditioner)</c> and steps taken without
    /// curvature information follow <c>-Preconditioner * g</c>. Null (the default) is the identity.
    /// </summary>
    public IReadOnlyList<double>? Preconditioner { get; init; }

    /// <summary>Objective evaluations one line search may spend. The default value is 4.</summary>
    public int MaxLineSearchSteps { get; init; } = 4;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentException">A value is out of range; ParamName and the message name it.</exception>
    public void Validate()
    {
        Check.That(MaxIterations >= 0, nameof(MaxIterations), $"must be >= 0, got {MaxIterations}");
        Check.That(Memory >= 1, nameof(Memory), $"must be >= 1, got {Memory}");
        Check.That(!double.IsNaN(Lower), nameof(Lower), "must be a number");
        Check.That(Upper > Lower, nameof(Upper), $"must be > Lower ({Lower}), got {Upper}");
        Check.That(double.IsFinite(FirstStepMaxChange) && FirstStepMaxChange > 0, nameof(FirstStepMaxChange), $"must be finite and > 0, got {FirstStepMaxChange}");
        Check.That(Preconditioner is null || Preconditioner.All(p => p > 0 && double.IsFinite(p)), nameof(Preconditioner), "must hold positive finite values");
        Check.That(MaxLineSearchSteps >= 1, nameof(MaxLineSearchSteps), $"must be >= 1, got {MaxLineSearchSteps}");
    }
}

/// <summary>Reported after each accepted iteration.</summary>
/// <param name="Iteration">Accepted iterations so far.</param>
/// <param name="Evaluations">Objective evaluations so far, the start's included.</param>
/// <param name="Value">The objective at the current point.</param>
internal readonly record struct LbfgsProgress(int Iteration, int Evaluations, double Value);

/// <summary>The outcome of <see cref="BoundedLbfgs.Minimize"/>.</summary>
/// <param name="X">The best point found (inside the box).</param>
/// <param name="Value">The objective at <paramref name="X"/>.</param>
/// <param name="Iterations">Accepted iterations.</param>
/// <param name="Evaluations">Objective evaluations, the start's included.</param>
/// <param name="History">The value at the start, then after each accepted iteration (non-increasing).</param>
/// <param name="StopReason">One of <see cref="MaxIterationsReached"/>, <see cref="NoDecrease"/>, <see cref="ProjectedGradientZero"/>.</param>
internal sealed record LbfgsResult(double[] X, double Value, int Iterations, int Evaluations, IReadOnlyList<double> History, string StopReason)
{
    /// <summary>The budget of iterations was used.</summary>
    public const string MaxIterationsReached = "max iterations";

    /// <summary>Neither the L-BFGS direction nor steepest descent gave a sufficient decrease within the line search's evaluations.</summary>
    public const string NoDecrease = "no decrease";

    /// <summary>No free variable has a non-zero gradient (a constrained stationary point).</summary>
    public const string ProjectedGradientZero = "projected gradient zero";
}

/// <summary>
/// Projected L-BFGS for box bounds, built for expensive objectives (FWI: one value+gradient is a forward and an adjoint
/// simulation). A variable on a bound whose gradient pushes it outward is held; the two-loop recursion runs on the
/// gradient of the free variables; the step is projected into the box and backtracked (Armijo) from t = 1, so a step
/// accepted at once costs one evaluation. Deterministic (no threads, no randomness).
/// <para>
/// Not MathNet.Numerics 5.0.0: measured at 4900 variables, its <c>LimitedMemoryBfgsMinimizer</c> (no bounds; used through
/// v = lo + (hi - lo)(1 + sin u)/2) spends 25-42 evaluations on its first line search, which starts from a tiny step and
/// doubles, so after 11 evaluations it has not moved; its <c>BfgsBMinimizer</c> keeps a dense 4900 x 4900 Hessian
/// (5 GB resident) and took ~39 s per iteration outside the objective.
/// </para>
/// </summary>
internal static class BoundedLbfgs
{
    // Armijo's sufficient-decrease constant (the usual 1e-4).
    private const double SufficientDecrease = 1e-4;

    // A pair is kept only when s.y > eps |y|^2, so that the inverse-Hessian estimate stays positive definite.
    private const double CurvatureEpsilon = 2.220446049250313e-16;

    /// <summary>Minimises <paramref name="f"/> over the box from <paramref name="start"/> (projected into it).</summary>
    /// <param name="f">The objective; only ever called at points inside the box.</param>
    /// <param name="start">The starting point; values outside the box are clamped.</param>
    /// <param name="options">The settings, validated here.</param>
    /// <param name="progress">Told after each accepted iteration.</param>
    /// <param name="ct">Checked before each evaluation.</param>
    /// <exception cref="ArgumentException">An option is out of range, or <paramref name="start"/> is empty or holds NaN.</exception>
    /// <exception cref="InvalidOperationException">The objective or its gradient is not finite at the start.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static LbfgsResult Minimize(Objective f, ReadOnlySpan<double> start, LbfgsOptions options,
                                       IProgress<LbfgsProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int n = start.Length;
        if (n == 0) throw new ArgumentException("start must hold at least one variable.", nameof(start));
        double lower = options.Lower, upper = options.Upper;

        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(start[i])) throw new ArgumentException($"start[{i}] is NaN.", nameof(start));
            x[i] = Math.Clamp(start[i], lower, upper);
        }
        var g = new double[n];
        var xTrial = new double[n];
        var gTrial = new double[n];
        var q = new double[n]; // the gradient of the free variables (held ones zeroed)
        var d = new double[n];
        if (options.Preconditioner is { } p && p.Count != n)
            throw new ArgumentException($"LbfgsOptions.Preconditioner has {p.Count} values for {n} variables.", nameof(options));
        var scaling = options.Preconditioner?.ToArray() ?? Enumerable.Repeat(1.0, n).ToArray();
        var pairs = new CurvaturePairs(options.Memory, n, scaling);
        int evaluations = 0;

        double fx = Evaluate(x, g);
        if (!IsFinite(fx, g)) throw new InvalidOperationException("The objective or its gradient is not finite at the start.");
        var history = new List<double>(Math.Min(options.MaxIterations, 1000) + 1) { fx };
        string stop = LbfgsResult.MaxIterationsReached;
        int iteration = 0;
        while (iteration < options.MaxIterations)
        {
            double largest = FreeGradient(x, g, q, lower, upper, scaling);
            if (largest == 0) { stop = LbfgsResult.ProjectedGradientZero; break; }

            double fTrial;
            bool accepted;
            if (pairs.Count == 0)
            {
                ScaledStep(-options.FirstStepMaxChange / largest);
                accepted = LineSearch(out fTrial);
            }
            else
            {
                pairs.Apply(q, d);
                for (int i = 0; i < n; i++)
                {
                    // Held variables stay; a free variable on a bound cannot move outward.
                    double di = IsHeld(x[i], g[i], lower, upper) ? 0 : -d[i];
                    if ((x[i] <= lower && di < 0) || (x[i] >= upper && di > 0)) di = 0;
                    d[i] = di;
                }
                if (Dot(g, d) >= 0) ScaledStep(-pairs.Gamma); // zeroing broke descent: steepest descent at the curvature's scale
                accepted = LineSearch(out fTrial);
                if (!accepted)
                {
                    // The curvature pairs misled us: forget them and try steepest descent once.
                    pairs.Clear();
                    ScaledStep(-options.FirstStepMaxChange / largest);
                    accepted = LineSearch(out fTrial);
                }
            }
            if (!accepted) { stop = LbfgsResult.NoDecrease; break; }

            pairs.Add(x, xTrial, g, gTrial);
            (x, xTrial) = (xTrial, x);
            (g, gTrial) = (gTrial, g);
            fx = fTrial;
            iteration++;
            history.Add(fx);
            progress?.Report(new LbfgsProgress(iteration, evaluations, fx));
        }
        return new LbfgsResult(x, fx, iteration, evaluations, history, stop);

        // d = a D q: the preconditioned steepest-descent step.
        void ScaledStep(double a)
        {
            for (int i = 0; i < n; i++) d[i] = a * scaling[i] * q[i];
        }

        double Evaluate(double[] point, double[] gradient)
        {
            ct.ThrowIfCancellationRequested();
            evaluations++;
            return f(point, gradient);
        }

        // Backtracking on the projected path x(t) = P(x + t d) from t = 1; the next t minimises the quadratic through
        // f(x), the slope g.(x(t) - x) and f(x(t)), kept within [0.1 t, 0.5 t]. A non-finite trial halves t.
        bool LineSearch(out double value)
        {
            double t = 1;
            value = double.NaN;
            for (int step = 0; step < options.MaxLineSearchSteps; step++)
            {
                double slope = 0;
                for (int i = 0; i < n; i++)
                {
                    xTrial[i] = Math.Clamp(x[i] + t * d[i], lower, upper);
                    slope += g[i] * (xTrial[i] - x[i]);
                }
                value = Evaluate(xTrial, gTrial);
                bool finite = IsFinite(value, gTrial);
                if (finite && value < fx && value <= fx + SufficientDecrease * slope) return true;
                double curvature = value - fx - slope, shrink = 0.5;
                if (finite && slope < 0 && curvature > 0) shrink = Math.Clamp(-slope / (2 * curvature), 0.1, 0.5);
                t *= shrink;
            }
            return false;
        }
    }

    /// <summary>Writes the gradient with held variables zeroed into <paramref name="q"/>; returns the largest magnitude of its scaled value D q.</summary>
    private static double FreeGradient(double[] x, double[] g, double[] q, double lower, double upper, double[] scaling)
    {
        double largest = 0;
        for (int i = 0; i < x.Length; i++)
        {
            q[i] = IsHeld(x[i], g[i], lower, upper) ? 0 : g[i];
            largest = Math.Max(largest, Math.Abs(scaling[i] * q[i]));
        }
        return largest;
    }

    // On a bound with the gradient pushing outward: the variable stays where it is this iteration.
    private static bool IsHeld(double x, double g, double lower, double upper) => (x <= lower && g > 0) || (x >= upper && g < 0);

    private static bool IsFinite(double value, double[] gradient)
    {
        if (!double.IsFinite(value)) return false;
        foreach (double v in gradient)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    private static void Scale(double[] v, double a, double[] result)
    {
        for (int i = 0; i < v.Length; i++) result[i] = a * v[i];
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>The last m curvature pairs s = x' - x, y = g' - g (a ring), and the two-loop product with them.</summary>
    private sealed class CurvaturePairs(int memory, int n, double[] scaling)
    {
        private readonly double[][] _s = new double[memory][];
        private readonly double[][] _y = new double[memory][];
        private readonly double[] _rho = new double[memory];
        private readonly double[] _alpha = new double[memory];
        private int _newest = -1;

        public int Count { get; private set; }

        /// <summary>s.y / y.D y of the newest pair: the scale of the initial inverse Hessian Gamma D.</summary>
        public double Gamma { get; private set; }

        public void Clear() => Count = 0;

        public void Add(double[] x, double[] xNext, double[] g, double[] gNext)
        {
            double sy = 0, yy = 0;
            for (int i = 0; i < n; i++)
            {
                double si = xNext[i] - x[i], yi = gNext[i] - g[i];
                sy += si * yi;
                yy += yi * scaling[i] * yi;
            }
            if (!(sy > CurvatureEpsilon * yy)) return; // no positive curvature along s: skip the pair

            int slot = (_newest + 1) % memory; // the oldest pair's slot once the ring is full
            var s = _s[slot] ??= new double[n];
            var y = _y[slot] ??= new double[n];
            for (int i = 0; i < n; i++)
            {
                s[i] = xNext[i] - x[i];
                y[i] = gNext[i] - g[i];
            }
            _rho[slot] = 1 / sy;
            Gamma = sy / yy;
            _newest = slot;
            Count = Math.Min(Count + 1, memory);
        }

        /// <summary>r = H q, H the L-BFGS inverse-Hessian estimate (two-loop recursion, H0 = Gamma D).</summary>
        public void Apply(double[] q, double[] r)
        {
            Array.Copy(q, r, q.Length);
            for (int k = 0; k < Count; k++)
            {
                int slot = (_newest - k + memory) % memory;
                _alpha[slot] = _rho[slot] * Dot(_s[slot], r);
                Axpy(-_alpha[slot], _y[slot], r);
            }
            for (int i = 0; i < r.Length; i++) r[i] *= Gamma * scaling[i];
            for (int k = Count - 1; k >= 0; k--)
            {
                int slot = (_newest - k + memory) % memory;
                double beta = _rho[slot] * Dot(_y[slot], r);
                Axpy(_alpha[slot] - beta, _s[slot], r);
            }
        }

        private static void Axpy(double a, double[] x, double[] y)
        {
            for (int i = 0; i < y.Length; i++) y[i] += a * x[i];
        }
    }
}

using Seismic.Physics.Inversion;

namespace Seismic.Physics.Tests.Inversion;

public sealed class BoundedLbfgsTests
{
    // f = 0.5 x'Ax - b'x with A = [[2, 1], [1, 2]], b = (5, 0): the free optimum (10/3, -5/3) lies outside [-1, 1]^2;
    // the constrained one is x0 = 1 (held: df/dx0 = -3.5 there), x1 = -x0/2 = -0.5.
    private static double CoupledQuadratic(ReadOnlySpan<double> x, Span<double> g)
    {
        g[0] = 2 * x[0] + x[1] - 5;
        g[1] = x[0] + 2 * x[1];
        return x[0] * x[0] + x[0] * x[1] + x[1] * x[1] - 5 * x[0];
    }

    private static double Rosenbrock(ReadOnlySpan<double> x, Span<double> g)
    {
        double a = x[1] - x[0] * x[0], b = 1 - x[0];
        g[0] = -400 * a * x[0] - 2 * b;
        g[1] = 200 * a;
        return 100 * a * a + b * b;
    }

    private static LbfgsOptions Options(int maxIterations, double lower, double upper, double firstStep) =>
        new() { MaxIterations = maxIterations, Lower = lower, Upper = upper, FirstStepMaxChange = firstStep };

    [Fact]
    public void Coupled_quadratic_reaches_its_constrained_optimum_with_the_active_bound_exact()
    {
        var r = BoundedLbfgs.Minimize(CoupledQuadratic, [0.3, 0.4], Options(50, -1, 1, 0.5));

        Assert.Equal(1.0, r.X[0]); // on the bound exactly, not 1 - 1e-9
        // A free variable is found to about sqrt(machine epsilon): closer, the values tie and no decrease is seen.
        Assert.Equal(-0.5, r.X[1], 1e-6);
        Assert.Equal(1 - 0.5 + 0.25 - 5, r.Value, 1e-12);
    }

    [Fact]
    public void Separable_ill_conditioned_quadratic_ends_at_the_clamped_optimum()
    {
        double[] w = [1, 10, 100, 1000, 3], c = [-3, 0.5, 2, 5, -0.2];
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            double f = 0;
            for (int i = 0; i < x.Length; i++) { g[i] = w[i] * (x[i] - c[i]); f += 0.5 * w[i] * (x[i] - c[i]) * (x[i] - c[i]); }
            return f;
        }

        var r = BoundedLbfgs.Minimize(F, [0, 0, 0, 0, 0], Options(100, -1, 1, 0.25));

        Assert.Equal(-1.0, r.X[0]);
        Assert.Equal(1.0, r.X[2]);
        Assert.Equal(1.0, r.X[3]);
        Assert.Equal(0.5, r.X[1], 1e-6);
        Assert.Equal(-0.2, r.X[4], 1e-6);
    }

    [Fact]
    public void Every_evaluated_point_lies_in_the_box_and_the_start_is_clamped()
    {
        var points = new List<double[]>();
        double F(ReadOnlySpan<double> x, Span<double> g) { points.Add(x.ToArray()); return Rosenbrock(x, g); }

        // Start outside the box; the unconstrained optimum (1, 1) is outside it too.
        var r = BoundedLbfgs.Minimize(F, [-3, 2], Options(40, -0.5, 0.8, 0.3));

        Assert.Equal([-0.5, 0.8], points[0]);
        Assert.Equal(r.Evaluations, points.Count);
        Assert.True(points.Count > 10);
        Assert.All(points, p => Assert.All(p, v => Assert.InRange(v, -0.5, 0.8)));
        Assert.Equal(0.8, r.X[0]); // the constrained optimum has x0 on its upper bound
    }

    [Fact]
    public void Rosenbrock_2d_converges_below_1e_minus_6()
    {
        var r = BoundedLbfgs.Minimize(Rosenbrock, [-1.2, 1], Options(100, -2, 2, 0.1));

        Assert.True(r.Value < 1e-6, $"value {r.Value} after {r.Iterations} iterations, {r.Evaluations} evaluations ({r.StopReason})");
        Assert.Equal(1, r.X[0], 1e-3);
        Assert.Equal(1, r.X[1], 1e-3);
        Assert.True(r.Evaluations < 2 * r.Iterations, $"{r.Evaluations} evaluations for {r.Iterations} iterations");
    }

    [Fact]
    public void First_step_moves_the_largest_variable_by_FirstStepMaxChange_at_one_evaluation()
    {
        // Gradient (3, -1.5, 0.75) at the start: the first variable changes most, by exactly FirstStepMaxChange.
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            double f = 0;
            for (int i = 0; i < x.Length; i++) { g[i] = x[i]; f += 0.5 * x[i] * x[i]; }
            return f;
        }
        double[] start = [3, -1.5, 0.75];

        var r = BoundedLbfgs.Minimize(F, start, Options(1, -10, 10, 0.4));

        Assert.Equal(2, r.Evaluations);
        Assert.Equal(1, r.Iterations);
        Assert.Equal(0.4, start[0] - r.X[0], 1e-12);
        Assert.Equal(0.2, r.X[1] - start[1], 1e-12);
        Assert.Equal(0.1, start[2] - r.X[2], 1e-12);
    }

    [Fact]
    public void MaxIterations_bounds_the_run_and_every_evaluation_is_counted()
    {
        int calls = 0;
        var reports = new List<LbfgsProgress>();
        double F(ReadOnlySpan<double> x, Span<double> g) { calls++; return Rosenbrock(x, g); }

        var r = BoundedLbfgs.Minimize(F, [-1.2, 1], Options(7, -2, 2, 0.1), new SynchronousProgress(reports.Add));

        Assert.Equal(7, r.Iterations);
        Assert.Equal(calls, r.Evaluations);
        Assert.Equal(LbfgsResult.MaxIterationsReached, r.StopReason);
        Assert.Equal(8, r.History.Count);
        Assert.Equal(Enumerable.Range(1, 7), reports.Select(p => p.Iteration));
        Assert.Equal(calls, reports[^1].Evaluations);
        Assert.Equal(r.Value, reports[^1].Value);

        calls = 0;
        var none = BoundedLbfgs.Minimize(F, [-1.2, 1], Options(0, -2, 2, 0.1));
        Assert.Equal(1, calls);
        Assert.Equal(1, none.Evaluations);
        Assert.Equal(0, none.Iterations);
        Assert.Equal([-1.2, 1.0], none.X);
        Assert.Equal(24.2, none.Value, 1e-12);
    }

    [Fact]
    public void History_starts_at_the_start_value_and_never_increases()
    {
        var r = BoundedLbfgs.Minimize(Rosenbrock, [-1.2, 1], Options(30, -2, 2, 0.5));

        Assert.Equal(24.2, r.History[0], 1e-12);
        Assert.Equal(r.Iterations + 1, r.History.Count);
        Assert.Equal(r.Value, r.History[^1]);
        for (int k = 1; k < r.History.Count; k++) Assert.True(r.History[k] <= r.History[k - 1], $"History[{k}] = {r.History[k]} > {r.History[k - 1]}");
        Assert.True(r.History[^1] < r.History[0] / 100);
    }

    [Fact]
    public void Non_finite_trials_are_backtracked_from_like_a_failed_Armijo_test()
    {
        // Like a wave simulation that blows up for a too-slow model: NaN below 3.
        static double F(ReadOnlySpan<double> x, Span<double> g)
        {
            g[0] = 2 * (x[0] - 1);
            return x[0] < 3 ? double.NaN : (x[0] - 1) * (x[0] - 1);
        }

        var r = BoundedLbfgs.Minimize(F, [5], Options(1, 0, 10, 3));

        Assert.Equal(3, r.Evaluations); // 5 -> 2 (NaN), halved to 3.5
        Assert.Equal(3.5, r.X[0], 1e-12);
        Assert.Equal(6.25, r.Value, 1e-12);
    }

    [Fact]
    public void Corner_optimum_stops_on_a_zero_projected_gradient()
    {
        static double F(ReadOnlySpan<double> x, Span<double> g) { g[0] = 1; g[1] = 2; return x[0] + 2 * x[1]; }

        var r = BoundedLbfgs.Minimize(F, [0.5, 0.5], Options(10, 0, 1, 1));

        Assert.Equal(LbfgsResult.ProjectedGradientZero, r.StopReason);
        Assert.Equal([0.0, 0.0], r.X);
        Assert.Equal(2, r.Evaluations);
        Assert.Equal(1, r.Iterations);
    }

    [Fact]
    public void A_wrong_gradient_stops_after_one_line_search_not_an_endless_one()
    {
        int calls = 0;
        // The gradient claims the objective falls as x grows; it rises.
        double F(ReadOnlySpan<double> x, Span<double> g) { calls++; g[0] = -1; return x[0]; }

        var r = BoundedLbfgs.Minimize(F, [0], Options(10, -5, 5, 1) with { MaxLineSearchSteps = 3 });

        Assert.Equal(LbfgsResult.NoDecrease, r.StopReason);
        Assert.Equal(4, calls);
        Assert.Equal(4, r.Evaluations);
        Assert.Equal(0, r.Iterations);
        Assert.Equal([0.0], r.X);
    }

    [Fact]
    public void A_diagonal_preconditioner_equal_to_the_inverse_Hessian_solves_a_badly_scaled_quadratic_at_once()
    {
        // f = sum h_i (x_i - 1)^2 / 2 with curvatures spanning 1e4: the scaled step -D g with D = 1/h points at the optimum.
        double[] h = [1, 10, 100, 1000, 10000];
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            double f = 0;
            for (int i = 0; i < x.Length; i++) { g[i] = h[i] * (x[i] - 1); f += 0.5 * h[i] * (x[i] - 1) * (x[i] - 1); }
            return f;
        }
        var plain = BoundedLbfgs.Minimize(F, new double[5], Options(3, -5, 5, 1));
        var scaled = BoundedLbfgs.Minimize(F, new double[5], Options(3, -5, 5, 1) with { Preconditioner = [.. h.Select(x => 1 / x)] });
        Assert.True(scaled.Value < 1e-20, $"preconditioned: {scaled.Value}");
        Assert.True(plain.Value > 1e-3, $"plain: {plain.Value}");
        Assert.All(scaled.X, x => Assert.Equal(1, x, 1e-9));
    }

    [Fact]
    public void A_preconditioner_of_the_wrong_length_or_sign_is_refused()
    {
        Assert.Throws<ArgumentException>(() => BoundedLbfgs.Minimize(CoupledQuadratic, [0, 0], Options(2, -1, 1, 0.5) with { Preconditioner = [1.0] }));
        Assert.Contains("Preconditioner", Assert.Throws<ArgumentException>(() =>
            BoundedLbfgs.Minimize(CoupledQuadratic, [0, 0], Options(2, -1, 1, 0.5) with { Preconditioner = [1.0, 0] })).Message);
    }

    [Fact]
    public void Runs_are_deterministic()
    {
        var a = BoundedLbfgs.Minimize(Rosenbrock, [-1.2, 1], Options(25, -2, 2, 0.1));
        var b = BoundedLbfgs.Minimize(Rosenbrock, [-1.2, 1], Options(25, -2, 2, 0.1));

        Assert.Equal(a.X, b.X);
        Assert.Equal(a.History, b.History);
        Assert.Equal(a.Evaluations, b.Evaluations);
    }

    [Theory]
    [InlineData("MaxIterations", "MaxIterations must be >= 0")]
    [InlineData("Memory", "Memory must be >= 1")]
    [InlineData("Lower", "Lower must be a number")]
    [InlineData("Upper", "Upper must be > Lower")]
    [InlineData("FirstStepMaxChange", "FirstStepMaxChange must be finite and > 0")]
    [InlineData("MaxLineSearchSteps", "MaxLineSearchSteps must be >= 1")]
    public void Validate_names_the_setting(string setting, string message)
    {
        var good = Options(5, 1500, 4500, 100);
        var bad = setting switch
        {
            "MaxIterations" => good with { MaxIterations = -1 },
            "Memory" => good with { Memory = 0 },
            "Lower" => good with { Lower = double.NaN },
            "Upper" => good with { Upper = 1500 },
            "FirstStepMaxChange" => good with { FirstStepMaxChange = double.PositiveInfinity },
            _ => good with { MaxLineSearchSteps = 0 },
        };
        good.Validate();

        var e = Assert.Throws<ArgumentException>(bad.Validate);
        Assert.StartsWith(message, e.Message);
        Assert.Equal(setting, e.ParamName);

        int calls = 0;
        Assert.Throws<ArgumentException>(() => BoundedLbfgs.Minimize((_, _) => ++calls, [2000.0], bad));
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Cancellation_is_seen_before_the_next_evaluation()
    {
        using var cts = new CancellationTokenSource();
        int calls = 0;
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            if (++calls == 3) cts.Cancel();
            return Rosenbrock(x, g);
        }

        Assert.ThrowsAny<OperationCanceledException>(() => BoundedLbfgs.Minimize(F, [-1.2, 1], Options(50, -2, 2, 0.1), ct: cts.Token));
        Assert.Equal(3, calls);

        calls = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => BoundedLbfgs.Minimize(F, [-1.2, 1], Options(50, -2, 2, 0.1), ct: cts.Token));
        Assert.Equal(0, calls);
    }

    // Progress<T> posts to the thread pool; the tests want the reports in order, now.
    private sealed class SynchronousProgress(Action<LbfgsProgress> report) : IProgress<LbfgsProgress>
    {
        public void Report(LbfgsProgress value) => report(value);
    }
}

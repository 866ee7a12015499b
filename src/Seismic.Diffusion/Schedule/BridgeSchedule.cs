namespace Seismic.Diffusion;

/// <summary>
/// The I2SB bridge schedule (docs/diffusion.md, "Schedule"): a symmetric beta schedule over <see cref="Interval"/> discrete steps and the
/// marginal coefficients derived from it, all computed in float64. Immutable; create with <see cref="Create"/>.
/// </summary>
/// <remarks>
/// <c>b[i] = (sqrt(1e-4) + i/(N-1) (sqrt(beta_max/N) - sqrt(1e-4)))^2</c>; the betas are the first half of b followed
/// by its mirror image, so the peak is <c>b[N/2-1]</c>. <c>std_fwd[n]^2</c> is the cumulative sum of betas up to n,
/// <c>std_bwd[n]^2</c> the sum from n to the end; <c>mu_x0</c>, <c>mu_x1</c>, <c>std_sb</c> are the coefficients of
/// the bridge marginal <c>x_n = mu_x0 x0 + mu_x1 x1 + std_sb eps</c>.
/// </remarks>
public sealed class BridgeSchedule
{
    /// <summary>The reference's number of steps, 1000.</summary>
    public const int DefaultInterval = 1000;

    /// <summary>The reference's beta_max, 0.3.</summary>
    public const double DefaultBetaMax = 0.3;

    private const double BetaStart = 1e-4;

    private readonly double[] _betas, _stdFwd, _stdBwd, _muX0, _muX1, _stdSb;

    private BridgeSchedule(int interval, double betaMax)
    {
        Interval = interval;
        BetaMax = betaMax;
        int n = interval, half = n / 2;
        double s0 = Math.Sqrt(BetaStart), s1 = Math.Sqrt(betaMax / n);
        var b = new double[half];
        for (int i = 0; i < half; i++)
        {
            double r = s0 + (double)i / (n - 1) * (s1 - s0);
            b[i] = r * r;
        }
        _betas = new double[n];
        for (int i = 0; i < half; i++)
        {
            _betas[i] = b[i];
            _betas[n - 1 - i] = b[i];
        }

        // Cumulative sums in index order (forward) and reverse order (backward), as numpy's cumsum does.
        var varFwd = new double[n];
        var varBwd = new double[n];
        double acc = 0;
        for (int i = 0; i < n; i++) varFwd[i] = acc += _betas[i];
        acc = 0;
        for (int i = n - 1; i >= 0; i--) varBwd[i] = acc += _betas[i];

        _stdFwd = new double[n];
        _stdBwd = new double[n];
        _muX0 = new double[n];
        _muX1 = new double[n];
        _stdSb = new double[n];
        for (int i = 0; i < n; i++)
        {
            _stdFwd[i] = Math.Sqrt(varFwd[i]);
            _stdBwd[i] = Math.Sqrt(varBwd[i]);
            double f2 = _stdFwd[i] * _stdFwd[i], b2 = _stdBwd[i] * _stdBwd[i], d = f2 + b2;
            _muX0[i] = b2 / d;
            _muX1[i] = f2 / d;
            _stdSb[i] = Math.Sqrt(f2 * b2 / d);
        }
    }

    /// <summary>Creates the schedule.</summary>
    /// <param name="interval">Number of discrete bridge steps N; must be even and at least 2. The reference uses 1000.</param>
    /// <param name="betaMax">The beta_max parameter; must be positive and finite. The reference uses 0.3.</param>
    /// <exception cref="ArgumentException">The interval is odd or below 2, or beta_max is not a positive finite number.</exception>
    public static BridgeSchedule Create(int interval = DefaultInterval, double betaMax = DefaultBetaMax)
    {
        if (interval < 2 || interval % 2 != 0)
            throw new ArgumentException($"interval must be an even number >= 2 (the schedule is symmetric); got {interval}.", nameof(interval));
        if (!(betaMax > 0) || !double.IsFinite(betaMax))
            throw new ArgumentException($"beta_max must be a positive finite number; got {betaMax}.", nameof(betaMax));
        return new BridgeSchedule(interval, betaMax);
    }

    /// <summary>Number of discrete steps N (the reference's <c>interval</c>).</summary>
    public int Interval { get; }

    /// <summary>The beta_max the schedule was built with.</summary>
    public double BetaMax { get; }

    /// <summary>Per-step betas, length N, symmetric.</summary>
    public IReadOnlyList<double> Betas => Array.AsReadOnly(_betas);

    /// <summary>Forward standard deviation <c>sqrt(sum_{j&lt;=n} beta_j)</c>, length N (std_fwd[0] = 0.01).</summary>
    public IReadOnlyList<double> StdFwd => Array.AsReadOnly(_stdFwd);

    /// <summary>Backward standard deviation <c>sqrt(sum_{j&gt;=n} beta_j)</c>, length N.</summary>
    public IReadOnlyList<double> StdBwd => Array.AsReadOnly(_stdBwd);

    /// <summary>Coefficient of x0 in the bridge marginal, <c>std_bwd^2 / (std_fwd^2 + std_bwd^2)</c>, length N.</summary>
    public IReadOnlyList<double> MuX0 => Array.AsReadOnly(_muX0);

    /// <summary>Coefficient of x1 in the bridge marginal, <c>std_fwd^2 / (std_fwd^2 + std_bwd^2)</c>, length N.</summary>
    public IReadOnlyList<double> MuX1 => Array.AsReadOnly(_muX1);

    /// <summary>Standard deviation of the bridge marginal, <c>sqrt(std_fwd^2 std_bwd^2 / (std_fwd^2 + std_bwd^2))</c>, length N.</summary>
    public IReadOnlyList<double> StdSb => Array.AsReadOnly(_stdSb);

    /// <summary>
    /// The sampling step grid for <paramref name="nfe"/> network evaluations (docs/diffusion.md, "Sampling"): <c>nfe + 1</c> ascending steps
    /// from 0 to N-1, e.g. nfe 5 gives 0, 200, 400, 599, 799, 999 for N = 1000.
    /// </summary>
    /// <param name="nfe">Number of function evaluations, 1 to N-1 (the reference default is N-1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nfe"/> is not in [1, N-1].</exception>
    public int[] StepGrid(int nfe)
    {
        if (nfe < 1 || nfe >= Interval)
            throw new ArgumentOutOfRangeException(nameof(nfe), nfe, $"nfe must be in [1, {Interval - 1}] for interval {Interval}.");
        return SpaceIndices(Interval, nfe + 1);
    }

    /// <summary>
    /// The reference's <c>space_indices(num, count)</c>: <paramref name="count"/> indices spread evenly over
    /// [0, num-1] by repeated float addition of the stride <c>(num-1)/(count-1)</c> and round-half-to-even.
    /// Used for the step grid and for choosing which states a trajectory logs.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="num"/> is below 1 or <paramref name="count"/> is negative.</exception>
    public static int[] SpaceIndices(int num, int count)
    {
        if (num < 1) throw new ArgumentOutOfRangeException(nameof(num), num, "num must be at least 1.");
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must not be negative.");
        double stride = count <= 1 ? 1.0 : (double)(num - 1) / (count - 1);
        var result = new int[count];
        double cur = 0.0;
        for (int i = 0; i < count; i++)
        {
            result[i] = (int)Math.Round(cur, MidpointRounding.ToEven);
            cur += stride; // repeated addition, as the reference does: i * stride rounds differently
        }
        return result;
    }

    /// <summary>
    /// The network time input per step (docs/diffusion.md, "Schedule"): float32 <c>linspace(t0, T, N) * N</c>, computed exactly as torch does
    /// (defaults give 0.1 .. 1000). The network sees <c>NoiseLevels(...)[n]</c>, never the integer step n.
    /// </summary>
    /// <param name="t0">Start of the time range. The default value is 1e-4.</param>
    /// <param name="T">End of the time range. The default value is 1.0.</param>
    /// <exception cref="ArgumentException"><paramref name="t0"/> or <paramref name="T"/> is not finite, or T &lt;= t0.</exception>
    public float[] NoiseLevels(double t0 = 1e-4, double T = 1.0)
    {
        if (!double.IsFinite(t0) || !double.IsFinite(T) || !(T > t0))
            throw new ArgumentException($"The time range must satisfy t0 < T (both finite); got t0 = {t0}, T = {T}.", nameof(T));
        // torch's CPU linspace for float32: step in float, the first half counted from the start, the second from the end.
        int n = Interval;
        float start = (float)t0, end = (float)T;
        float step = (end - start) / (n - 1);
        int halfway = n / 2;
        var levels = new float[n];
        for (int i = 0; i < n; i++)
        {
            float v = i < halfway ? start + step * i : end - step * (n - i - 1);
            levels[i] = v * n;
        }
        return levels;
    }
}

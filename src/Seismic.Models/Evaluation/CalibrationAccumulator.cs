using static TorchSharp.torch;

namespace Seismic.Models.Evaluation;

/// <summary>
/// How well an ensemble's spread predicts its error, pixel by pixel over a split: the fraction of true values inside
/// mean +- 1 std and +- 2 std (about 0.68 and 0.95 for a calibrated Gaussian spread), the Pearson correlation between std
/// and the absolute error of the mean, and the mean std. Inputs are normalised maps; the caller converts units.
/// Not thread-safe.
/// </summary>
internal sealed class CalibrationAccumulator
{
    private long _count, _withinOne, _withinTwo;
    private double _sumS, _sumE, _sumSS, _sumEE, _sumSE;

    /// <summary>Pixels added so far.</summary>
    public long Count => _count;

    /// <summary>Fraction of true values within mean +- 1 std.</summary>
    public double WithinOneStd => Fraction(_withinOne);

    /// <summary>Fraction of true values within mean +- 2 std.</summary>
    public double WithinTwoStd => Fraction(_withinTwo);

    /// <summary>Mean standard deviation, in the inputs' units.</summary>
    public double MeanStd => _count == 0 ? 0 : _sumS / _count;

    /// <summary>Pearson correlation between std and |mean - truth|; null when either is constant (e.g. K = 1, where std is 0).</summary>
    public double? StdErrorCorrelation
    {
        get
        {
            if (_count < 2) return null;
            double n = _count;
            double cov = _sumSE / n - _sumS / n * (_sumE / n);
            double varS = _sumSS / n - Math.Pow(_sumS / n, 2), varE = _sumEE / n - Math.Pow(_sumE / n, 2);
            return varS > 1e-18 && varE > 1e-18 ? Math.Clamp(cov / Math.Sqrt(varS * varE), -1, 1) : null;
        }
    }

    /// <summary>Adds a batch of maps of one shape (any shape; every element is a pixel).</summary>
    /// <param name="mean">Ensemble means.</param>
    /// <param name="std">Ensemble standard deviations.</param>
    /// <param name="truth">True values.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void Add(Tensor mean, Tensor std, Tensor truth)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        ArgumentNullException.ThrowIfNull(truth);
        if (!mean.shape.SequenceEqual(std.shape) || !mean.shape.SequenceEqual(truth.shape))
            throw new ArgumentException($"mean ({string.Join(", ", mean.shape)}), std ({string.Join(", ", std.shape)}) and truth ({string.Join(", ", truth.shape)}) must have one shape.");
        using var scope = NewDisposeScope();
        var s = std.detach().to(float64).cpu().flatten();
        var e = (mean.detach().to(float64).cpu() - truth.detach().to(float64).cpu()).abs().flatten();
        _count += s.shape[0];
        _withinOne += e.le(s).sum().item<long>();
        _withinTwo += e.le(s * 2).sum().item<long>();
        _sumS += s.sum().item<double>();
        _sumE += e.sum().item<double>();
        _sumSS += (s * s).sum().item<double>();
        _sumEE += (e * e).sum().item<double>();
        _sumSE += (s * e).sum().item<double>();
    }

    private double Fraction(long n) => _count == 0 ? 0 : (double)n / _count;
}

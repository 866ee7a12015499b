using Seismic.Data.OpenFwi;
using Seismic.Physics.Propagation;

namespace Seismic.Physics.Misfit;

/// <summary>How well a velocity model explains observed seismic data.</summary>
/// <param name="RelativeL2PerShot"><c>||d_pred - d_obs|| / ||d_obs||</c> for each shot (0 is a perfect fit; 1 is as bad as predicting zeros).</param>
/// <param name="RelativeL2">The same over all shots together.</param>
/// <param name="MeanAbsoluteError">Mean <c>|d_pred - d_obs|</c> in raw amplitude units.</param>
/// <param name="NormalizedMae">Mean absolute error in OpenFWI's normalised space (log1p transform scaled to [-1, 1] by the dataset
/// bounds), or null when no bounds were given.</param>
public sealed record MisfitResult(IReadOnlyList<double> RelativeL2PerShot, double RelativeL2, double MeanAbsoluteError, double? NormalizedMae);

/// <summary>
/// Data misfit: forward-models a predicted velocity model and compares the result with observed data. Used in evaluation to
/// check that an inverted model reproduces the measurements, not only that it looks like the true model.
/// </summary>
public sealed class DataMisfit
{
    private readonly AcousticPropagator _propagator;

    /// <summary>Creates a misfit evaluator.</summary>
    /// <param name="propagator">The forward model; the default is OpenFWI's acquisition on all cores.</param>
    public DataMisfit(AcousticPropagator? propagator = null) => _propagator = propagator ?? new AcousticPropagator();

    /// <summary>Compares the forward model of <paramref name="velocity"/> with <paramref name="observed"/>.</summary>
    /// <param name="velocity">Predicted velocity, (depth, width) m/s.</param>
    /// <param name="observed">Observed data, (shots, time samples, receivers), raw amplitudes (not normalised).</param>
    /// <param name="dataset">The dataset whose <see cref="OpenFwiDataset.DataMin"/> and <see cref="OpenFwiDataset.DataMax"/> scale
    /// <see cref="MisfitResult.NormalizedMae"/>; null to skip it.</param>
    /// <exception cref="ArgumentException">Wrong lengths or an invalid velocity.</exception>
    public MisfitResult Compute(float[] velocity, ReadOnlySpan<float> observed, OpenFwiDataset? dataset = null)
    {
        ArgumentNullException.ThrowIfNull(velocity);
        var acq = _propagator.Acquisition;
        if (observed.Length != acq.SeismicSize)
            throw new ArgumentException($"observed data has {observed.Length} values, expected ({string.Join(", ", acq.SeismicShape)}) = {acq.SeismicSize}.", nameof(observed));
        var predicted = _propagator.Forward(velocity);
        return Compare(predicted, observed, acq.ShotCount, dataset);
    }

    /// <summary>Compares two data sets of the same shape (shots first) without forward modelling.</summary>
    /// <param name="predicted">Predicted data.</param>
    /// <param name="observed">Observed data.</param>
    /// <param name="shots">Number of shots (the leading dimension).</param>
    /// <param name="dataset">The dataset whose bounds scale the normalised MAE; null to skip it.</param>
    /// <exception cref="ArgumentException">Lengths differ or are not a multiple of <paramref name="shots"/>.</exception>
    public static MisfitResult Compare(ReadOnlySpan<float> predicted, ReadOnlySpan<float> observed, int shots, OpenFwiDataset? dataset = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shots);
        if (predicted.Length != observed.Length || observed.Length % shots != 0)
            throw new ArgumentException($"predicted ({predicted.Length}) and observed ({observed.Length}) must have the same length, a multiple of {shots} shots.");
        int per = observed.Length / shots;
        var perShot = new double[shots];
        double num = 0, den = 0, abs = 0, nabs = 0;
        double g0 = 0, scale = 0;
        if (dataset is { } b)
        {
            g0 = SignedLog1p(b.DataMin);
            scale = 2 / (SignedLog1p(b.DataMax) - g0);
        }
        for (int s = 0; s < shots; s++)
        {
            double sn = 0, sd = 0;
            for (int i = s * per; i < (s + 1) * per; i++)
            {
                double d = predicted[i] - (double)observed[i];
                sn += d * d;
                sd += (double)observed[i] * observed[i];
                abs += Math.Abs(d);
                if (dataset is not null) nabs += Math.Abs(SignedLog1p(predicted[i]) - SignedLog1p(observed[i])) * scale;
            }
            perShot[s] = sd > 0 ? Math.Sqrt(sn / sd) : (sn > 0 ? double.PositiveInfinity : 0);
            num += sn;
            den += sd;
        }
        double overall = den > 0 ? Math.Sqrt(num / den) : (num > 0 ? double.PositiveInfinity : 0);
        return new MisfitResult(perShot, overall, abs / observed.Length, dataset is null ? null : nabs / observed.Length);
    }

    private static double SignedLog1p(double x) => Math.Sign(x) * Math.Log(1 + Math.Abs(x));
}

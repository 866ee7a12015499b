namespace Seismic.Models.Evaluation;

/// <summary>
/// Image metrics of predicted against true velocity maps, on the normalised scale [-1, 1] (docs/training.md, "Evaluation"): one sample's
/// values, a batch mean, or a split mean.
/// </summary>
/// <param name="Mae">Mean absolute error, normalised units.</param>
/// <param name="Mse">Mean squared error, normalised units squared.</param>
/// <param name="Ssim">Structural similarity of <c>x/2 + 0.5</c> (1 for identical maps).</param>
public readonly record struct MetricValues(double Mae, double Mse, double Ssim)
{
    /// <summary>Root mean squared error, <c>sqrt(Mse)</c> (of the mean MSE for batch and split means), normalised units.</summary>
    public double Rmse => Math.Sqrt(Mse);

    /// <summary>Mean absolute error in m/s for OpenFWI's label bounds: <see cref="Mae"/> x <see cref="Metrics.VelocityHalfRange"/>
    /// (1500 m/s), since the normalised velocity is <c>(v - 3000) / 1500</c> for 1500 to 4500 m/s. For other bounds
    /// multiply <see cref="Mae"/> by <c>OpenFwiNormalization.MetersPerSecondPerUnit</c> (the evaluator's report does).</summary>
    public double MaeMetersPerSecond => Mae * Metrics.VelocityHalfRange;

    /// <summary>Root mean squared error in m/s for OpenFWI's label bounds: <see cref="Rmse"/> x 1500.</summary>
    public double RmseMetersPerSecond => Rmse * Metrics.VelocityHalfRange;
}

using Seismic.Models.Evaluation;

namespace Seismic.Training;

/// <summary>Metrics of one validation pass (EMA weights, NFE = 1) and one example for figures.</summary>
/// <param name="Iteration">Iterations completed when it ran.</param>
/// <param name="Prediction">Metrics of the prediction against the truth (normalised velocity).</param>
/// <param name="Input">Metrics of the corrupted input x1 against the truth: the baseline to beat.</param>
/// <param name="Samples">Samples evaluated.</param>
/// <param name="Example">The first sample's truth, x1 and prediction, normalised, (S, S) each.</param>
public sealed record ValidationResult(int Iteration, MetricValues Prediction, MetricValues Input, int Samples, VelocityExample Example);

/// <summary>One sample's velocity maps (normalised; m/s = v * 1500 + 3000), each of S x S values, row-major, depth down.</summary>
/// <param name="Size">S.</param>
/// <param name="Truth">The true velocity x0.</param>
/// <param name="Input">The corrupted input x1.</param>
/// <param name="Prediction">The sampled prediction.</param>
public sealed record VelocityExample(int Size, float[] Truth, float[] Input, float[] Prediction);

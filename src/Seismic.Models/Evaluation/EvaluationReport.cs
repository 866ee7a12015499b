using System.Text.Json;
using System.Text.Json.Serialization;
using Seismic.Data.IO;

namespace Seismic.Models.Evaluation;

/// <summary>Metrics of one set of maps at one resolution.</summary>
/// <param name="Mae">Mean absolute error, normalised velocity (1 unit = 1500 m/s).</param>
/// <param name="Mse">Mean squared error, normalised.</param>
/// <param name="Rmse">Root mean squared error, normalised.</param>
/// <param name="Ssim">SSIM on x/2 + 0.5 (docs/training.md, "Evaluation").</param>
/// <param name="MaeMetersPerSecond">MAE in m/s: MAE x (label_max - label_min) / 2 of the dataset (1500 m/s for OpenFWI).</param>
public sealed record MetricSummary(double Mae, double Mse, double Rmse, double Ssim, double MaeMetersPerSecond)
{
    /// <summary>
    /// Mean relative L2 seismogram misfit <c>||d_pred - d_obs|| / ||d_obs||</c> of these maps (forward-modelled at the native
    /// grid), when a data misfit was computed; null otherwise.
    /// </summary>
    public double? DataMisfit { get; init; }

    /// <summary>Summarises accumulated metrics.</summary>
    public static MetricSummary From(MetricValues m, double metersPerSecondPerUnit = Metrics.VelocityHalfRange) =>
        new(m.Mae, m.Mse, m.Rmse, m.Ssim, m.Mae * metersPerSecondPerUnit);
}

/// <summary>
/// What an ensemble of K samples per input buys, measured over a split by <see cref="EnsembleEvaluator"/>: metrics of
/// each way of choosing a prediction (at S x S) and the calibration of the spread (pixel by pixel against the mean).
/// </summary>
public sealed record EnsembleSummary
{
    /// <summary>Members K per input.</summary>
    public required int Members { get; init; }
    /// <summary>The rule of the reported prediction: mean, median or misfit.</summary>
    public required string Selection { get; init; }
    /// <summary>Metrics of the per-pixel mean.</summary>
    public required MetricSummary Mean { get; init; }
    /// <summary>Metrics of the per-pixel median.</summary>
    public required MetricSummary Median { get; init; }
    /// <summary>Metrics of member 0 alone: what one ordinary sample gives.</summary>
    public required MetricSummary SingleMember { get; init; }
    /// <summary>Metrics of each input's lowest-data-misfit member, when misfits were computed.</summary>
    public MetricSummary? LowestMisfitMember { get; init; }
    /// <summary>Mean per-pixel standard deviation in m/s.</summary>
    public required double MeanStdMetersPerSecond { get; init; }
    /// <summary>Fraction of true pixels within mean +- 1 std (0.68 for a calibrated Gaussian spread).</summary>
    public required double WithinOneStd { get; init; }
    /// <summary>Fraction of true pixels within mean +- 2 std (0.95 for a calibrated Gaussian spread).</summary>
    public required double WithinTwoStd { get; init; }
    /// <summary>Pearson correlation between std and |mean - truth| over all pixels; null when std is constant (K = 1).</summary>
    public double? StdErrorCorrelation { get; init; }
    /// <summary>Mean relative L2 data misfit of all members, when computed.</summary>
    public double? MemberDataMisfit { get; init; }
    /// <summary>Mean relative L2 data misfit of each input's lowest-misfit member, when computed.</summary>
    public double? LowestMemberDataMisfit { get; init; }
    /// <summary>Wall-clock seconds per input (all K members, statistics and misfits included).</summary>
    public required double SecondsPerSample { get; init; }
    /// <summary>Wall-clock seconds per input spent drawing the K members (the network part of <see cref="SecondsPerSample"/>).</summary>
    public required double SamplingSecondsPerSample { get; init; }
}

/// <summary>Metrics of predictions and of the corrupted input x1 (the baseline), at S x S and at OpenFWI's 70 x 70.</summary>
public sealed record EvaluationReport
{
    /// <summary>Dataset name.</summary>
    public required string Dataset { get; init; }
    /// <summary>Split evaluated.</summary>
    public required string Split { get; init; }
    /// <summary>Samples evaluated.</summary>
    public required int Samples { get; init; }
    /// <summary>Image size S.</summary>
    public required int ImageSize { get; init; }
    /// <summary>Network evaluations per sample.</summary>
    public required int Nfe { get; init; }
    /// <summary>Guidance weight.</summary>
    public required double Guidance { get; init; }
    /// <summary>True when sampling was deterministic (OT-ODE or the deterministic switch).</summary>
    public required bool Deterministic { get; init; }
    /// <summary>Prediction metrics at S x S.</summary>
    public required MetricSummary Prediction { get; init; }
    /// <summary>Prediction metrics after resizing back to 70 x 70.</summary>
    public required MetricSummary PredictionNative { get; init; }
    /// <summary>Input x1 metrics at S x S.</summary>
    public required MetricSummary Input { get; init; }
    /// <summary>Input x1 metrics after resizing back to 70 x 70.</summary>
    public required MetricSummary InputNative { get; init; }
    /// <summary>Metrics of the refined models (<see cref="Evaluator.Evaluate"/> with a refiner) resized to S x S; null otherwise.</summary>
    public MetricSummary? Refined { get; init; }
    /// <summary>Metrics of the refined models at the native grid, where the refinement works; null without refinement.</summary>
    public MetricSummary? RefinedNative { get; init; }
    /// <summary>What the refinement started from: "prediction" or "x1"; null without refinement.</summary>
    public string? RefinedFrom { get; init; }
    /// <summary>Relative L2 data misfit of the predictions (forward-modelled vs observed), when requested.</summary>
    public double? DataMisfit { get; init; }
    /// <summary>Relative L2 data misfit of the input x1, when requested.</summary>
    public double? InputDataMisfit { get; init; }
    /// <summary>Wall-clock seconds.</summary>
    public required double Seconds { get; init; }
    /// <summary>The checkpoint evaluated, if known.</summary>
    public string? Checkpoint { get; init; }
    /// <summary>Ensemble metrics and calibration, for an ensemble evaluation (<see cref="EnsembleEvaluator"/>); null otherwise.</summary>
    public EnsembleSummary? Ensemble { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The report as indented JSON (snake_case keys).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes the JSON report atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());
}

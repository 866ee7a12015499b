using TorchSharp;

namespace Seismic.Models.Evaluation;

/// <summary>
/// Averages metrics over a whole split, batch by batch, keeping every sample's values for a report.
/// Means weigh every sample equally, whatever the batch sizes; <see cref="MetricValues.Rmse"/> of
/// <see cref="Mean"/> is the square root of the mean MSE. Not thread-safe.
/// </summary>
internal sealed class MetricAccumulator
{
    private readonly List<MetricValues> _samples = [];
    private double _maeSum, _mseSum, _ssimSum;

    /// <summary>Number of samples added so far.</summary>
    public int Count => _samples.Count;

    /// <summary>Every sample's metrics in the order they were added.</summary>
    public IReadOnlyList<MetricValues> Samples => _samples;

    /// <summary>The mean over all samples added so far.</summary>
    /// <exception cref="InvalidOperationException">Nothing was added yet.</exception>
    public MetricValues Mean => Count == 0
        ? throw new InvalidOperationException("No samples were added to the metric accumulator.")
        : new MetricValues(_maeSum / Count, _mseSum / Count, _ssimSum / Count);

    /// <summary>Computes the metrics of each sample of a batch (<see cref="Metrics.PerSample"/>) and adds them.</summary>
    /// <returns>The batch's per-sample metrics.</returns>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, C, H, W).</exception>
    public MetricValues[] Add(torch.Tensor prediction, torch.Tensor target)
    {
        var batch = Metrics.PerSample(prediction, target);
        foreach (var m in batch) Add(m);
        return batch;
    }

    /// <summary>Adds one sample's metrics.</summary>
    public void Add(MetricValues sample)
    {
        _samples.Add(sample);
        _maeSum += sample.Mae;
        _mseSum += sample.Mse;
        _ssimSum += sample.Ssim;
    }

    /// <summary>Forgets every sample.</summary>
    public void Clear()
    {
        _samples.Clear();
        _maeSum = _mseSum = _ssimSum = 0;
    }
}

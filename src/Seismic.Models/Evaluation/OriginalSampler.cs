using Seismic.Data.Loading;
using Seismic.Diffusion.Corruption;
using Seismic.Diffusion.Sampling;
using static TorchSharp.torch;

namespace Seismic.Models.Evaluation;

/// <summary>How <see cref="OriginalSampler"/> runs the Python original's <c>sample.py</c>. Immutable: variations with <c>with</c>.</summary>
public sealed record OriginalSamplingOptions
{
    /// <summary>The seed given to the original's <c>set_seed</c>: NumPy's stream and torch's generator (0 to 2^32 - 1). The default value is 0.</summary>
    public long Seed { get; init; }

    /// <summary>Draws per batch (the original's <c>--batch-size</c>): each batch is this many posterior draws of one sample. The default value is 32, the original's.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Batches to sample at most (the original's <c>--total-batches</c>). The default value is 100, the original's.</summary>
    public int TotalBatches { get; init; } = 100;

    /// <summary>
    /// The part of the split to sample (the original's <c>--partition a_b</c>: the a-th of b equal parts, 0-based), or
    /// null for the whole split. The default value is null.
    /// </summary>
    public (int Index, int Count)? Partition { get; init; }

    /// <summary>
    /// Steps, guidance and clamping. Sampling is OT-ODE (noise-free) whatever <see cref="SamplerOptions.Deterministic"/>
    /// says, as the original forces <c>ot_ode</c>. The default value has NFE 1.
    /// </summary>
    public SamplerOptions Sampler { get; init; } = new() { Nfe = 1 };

    /// <summary>The corruption; null uses the model's. The default value is null.</summary>
    public CorruptionPreset? Corruption { get; init; }

    /// <summary>Checks every option against the model's bridge interval.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public void Validate(int interval)
    {
        var sampler = Check.Set(Sampler, nameof(Sampler));
        Check.Nested(nameof(Sampler), () => sampler.Validate(interval));
        Check.That(Seed is >= 0 and <= uint.MaxValue, nameof(Seed), $"must be between 0 and 2^32 - 1 (NumPy's seed range), got {Seed}");
        Check.That(BatchSize >= 1, nameof(BatchSize), $"must be positive, got {BatchSize}");
        Check.That(TotalBatches >= 1, nameof(TotalBatches), $"must be positive, got {TotalBatches}");
        Check.That(Partition is not { } p || (p.Count >= 1 && p.Index >= 0 && p.Index < p.Count), nameof(Partition),
            $"must satisfy 0 <= Index < Count, got ({Partition?.Index}, {Partition?.Count})");
    }
}

/// <summary>One batch of <see cref="OriginalSampler"/>: B posterior draws of one velocity model.</summary>
/// <param name="Batch">The batch number i (the original's <c>batch_i.pt</c>).</param>
/// <param name="SampleIndex">The dataset index of the sample drawn from.</param>
/// <param name="Draws">B, the number of draws.</param>
/// <param name="Size">Image size S.</param>
/// <param name="Prediction">The draws, (B, 1, S, S) normalised (the original's <c>"model"</c>).</param>
/// <param name="Condition">The seismic condition repeated, (B, C, S, S) normalised (the original's <c>"data"</c>).</param>
/// <param name="Input">Each draw's corrupted input x1, (B, 1, S, S).</param>
/// <param name="Truth">The sample's velocity model, (1, 1, S, S).</param>
public sealed record OriginalSampleBatch(int Batch, int SampleIndex, int Draws, int Size, float[] Prediction, float[] Condition, float[] Input, float[] Truth);

/// <summary>
/// The Python original's <c>sample.py</c> as a mode of this library's sampling: the validation split (or a partition)
/// in the original's shuffled order (<see cref="OriginalLoaderOrder"/>), and in each batch the FIRST sample repeated B
/// times, each copy with its own corruption draw from NumPy's stream (after one draw for the whole batch, which the
/// original makes and discards), sampled with OT-ODE. Each batch is thus B posterior draws of one velocity model, and
/// the numbers are the original's.
/// </summary>
public sealed class OriginalSampler
{
    private readonly BridgeModel _model;
    private readonly OriginalSamplingOptions _options;

    /// <summary>Creates the sampler.</summary>
    /// <param name="model">The model; not owned.</param>
    /// <param name="options">The options; validated here.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public OriginalSampler(BridgeModel model, OriginalSamplingOptions options)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate(model.Bridge.Interval);
    }

    /// <summary>The dataset indices of the batches' first samples, in order (at most <see cref="OriginalSamplingOptions.TotalBatches"/>), and each batch's size.</summary>
    /// <exception cref="ArgumentException">The partition does not divide the split evenly (the original asserts it).</exception>
    public IReadOnlyList<(int SampleIndex, int Draws)> Plan(int count)
    {
        int start = 0, size = count;
        if (_options.Partition is { } p)
        {
            if (count % p.Count != 0)
                throw new ArgumentException($"Partition {p.Index}_{p.Count}: the split's {count} samples do not divide into {p.Count} equal parts (the original requires it)", nameof(OriginalSamplingOptions.Partition));
            size = count / p.Count;
            start = p.Index * size;
        }
        var order = OriginalLoaderOrder.Shuffled(_model.Spec.Network, _options.Seed, size);
        var plan = new List<(int, int)>();
        for (int at = 0; at < size && plan.Count < _options.TotalBatches; at += _options.BatchSize)
            plan.Add((start + order[at], Math.Min(_options.BatchSize, size - at)));
        return plan;
    }

    /// <summary>Samples the batches of <see cref="Plan"/> from <paramref name="dataset"/> and hands each to <paramref name="onBatch"/>.</summary>
    /// <param name="dataset">The split (the original's validation set); not owned.</param>
    /// <param name="onBatch">Receives each batch as it is done.</param>
    /// <returns>The number of batches sampled.</returns>
    /// <exception cref="ArgumentException">The dataset's image size is not the model's, or the partition does not divide it.</exception>
    public int Run(SeismicDataset dataset, Action<OriginalSampleBatch> onBatch)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(onBatch);
        if (dataset.ImageSize != _model.Spec.ImageSize)
            throw new ArgumentException($"The dataset has image size {dataset.ImageSize} but the model was trained at {_model.Spec.ImageSize}.");
        var plan = Plan(dataset.Count);
        var corruption = (_options.Corruption ?? _model.Spec.Corruption).Create();
        var numpy = new NumPyRandomState(_options.Seed);
        var sampler = _options.Sampler with { Deterministic = true, LogCount = 0 };
        var loader = dataset.CreateLoader(new BatchLoaderOptions { BatchSize = _options.BatchSize, Shuffle = false, PrefetchBatches = 0 });
        for (int i = 0; i < plan.Count; i++)
        {
            var (index, draws) = plan[i];
            using var batch = loader.Load([index], epoch: 0);
            using var scope = NewDisposeScope();
            var (x0, cond) = batch.ToTensors(_model.Device);
            // The original corrupts the whole loader batch once and discards it: the same NumPy draws, on as many images.
            using (var shape = zeros([draws, 1, dataset.ImageSize, dataset.ImageSize], ScalarType.Float32))
                corruption.Apply(shape, numpy).Dispose();
            var repeated = x0.expand(draws, -1, -1, -1);
            var x1 = cat(Enumerable.Range(0, draws).Select(j => corruption.Apply(repeated[j..(j + 1)], numpy)).ToList(), 0);
            var conditions = cond.expand(draws, -1, -1, -1).contiguous();
            using var result = _model.Sample(x1, conditions, sampler);
            onBatch(new OriginalSampleBatch(i, index, draws, dataset.ImageSize, Evaluator.Floats(result.X0), Evaluator.Floats(conditions),
                                            Evaluator.Floats(x1), Evaluator.Floats(x0)));
        }
        return plan.Count;
    }
}

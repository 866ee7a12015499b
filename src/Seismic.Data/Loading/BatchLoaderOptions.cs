namespace Seismic.Data.Loading;

/// <summary>
/// How a <see cref="BatchLoader"/> groups and orders samples. Immutable: vary it with <c>with</c> expressions;
/// <see cref="Validate"/> runs when a loader is created.
/// </summary>
public sealed record BatchLoaderOptions
{
    /// <summary>Samples per batch, at least 1. The default value is 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Whether each epoch visits the samples in a fresh random order. The default value is true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// Seed of the shuffling; the same seed gives the same batches (seeds below 2^31 give the orders they gave when the
    /// seed was an <see cref="int"/>). The default value is 0.
    /// </summary>
    public Seed Seed { get; init; }

    /// <summary>Whether a final batch smaller than <see cref="BatchSize"/> is dropped (finite mode only). The default value is false.</summary>
    public bool DropLast { get; init; }

    /// <summary>
    /// Whether batches never run out (training): epochs follow one another, each in a new order, and every batch is
    /// full (a batch that runs past the end of an epoch continues with the next). The default value is false.
    /// </summary>
    public bool Endless { get; init; }

    /// <summary>
    /// Batches assembled ahead in the background; 0 assembles each batch when asked. The default value is 2. With
    /// TorchSharp consuming the batches, prefer 0 unless reading is slow: a background thread that allocates while
    /// TorchSharp calls libtorch makes its finalizer race more likely (docs/troubleshooting.md); Seismic.Training reads
    /// with 0.
    /// </summary>
    public int PrefetchBatches { get; init; } = 2;

    /// <summary>Threads reading the samples of one batch, at least 1. The default value is min(4, processor count).</summary>
    public int ReaderThreads { get; init; } = Math.Min(4, Environment.ProcessorCount);

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is out of range; ParamName and the message name it.</exception>
    public void Validate()
    {
        Check.That(BatchSize >= 1, nameof(BatchSize), $"must be at least 1, got {BatchSize}");
        Check.That(PrefetchBatches >= 0, nameof(PrefetchBatches), $"must be 0 or more, got {PrefetchBatches}");
        Check.That(ReaderThreads >= 1, nameof(ReaderThreads), $"must be at least 1, got {ReaderThreads}");
    }
}

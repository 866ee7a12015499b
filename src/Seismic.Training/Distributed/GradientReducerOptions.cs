namespace Seismic.Training.Distributed;

/// <summary>How <see cref="GradientReducer"/> groups parameters into buckets.</summary>
internal sealed record GradientReducerOptions
{
    /// <summary>The largest bucket accepted by <see cref="Validate"/>: 1 GiB, so a bucket's memory is always one span.</summary>
    public const long MaxBucketBytes = 1L << 30;

    /// <summary>
    /// The size of one bucket in bytes (one all-reduce call each; a parameter larger than a bucket spans several). Larger
    /// buckets mean fewer calls, smaller ones less extra memory per call. The default value is 25 MiB, as PyTorch DDP's.
    /// </summary>
    public long BucketBytes { get; init; } = 25L << 20;

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate() =>
        Check.That(BucketBytes is >= sizeof(double) and <= MaxBucketBytes, nameof(BucketBytes), $"must be in [{sizeof(double)}, {MaxBucketBytes}] (1 GiB), got {BucketBytes}");
}

namespace Seismic.Training.Distributed;

/// <summary>A run of <see cref="Length"/> elements of entry <see cref="Entry"/>, from <see cref="EntryOffset"/>, placed at <see cref="BucketOffset"/> of a bucket.</summary>
internal readonly record struct BucketPiece(int Entry, long EntryOffset, long BucketOffset, long Length);

/// <summary>
/// Lays a list of flat entries (tensors seen as 1-D) end to end and cuts the result into buckets of at most a given
/// number of elements. An entry larger than a bucket spans several; many small ones share one. Every rank builds the
/// same plan from the same module, so bucket k holds the same elements everywhere.
/// </summary>
internal sealed class BucketPlan
{
    public BucketPlan(IReadOnlyList<long> entryLengths, long bucketCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketCapacity, 1);
        var buckets = new List<List<BucketPiece>>();
        var lengths = new List<long>();
        List<BucketPiece>? current = null;
        long used = 0;
        for (int entry = 0; entry < entryLengths.Count; entry++)
        {
            long offset = 0, remaining = entryLengths[entry];
            while (remaining > 0)
            {
                if (current is null || used == bucketCapacity)
                {
                    if (current is not null) lengths.Add(used);
                    current = [];
                    buckets.Add(current);
                    used = 0;
                }
                long take = Math.Min(remaining, bucketCapacity - used);
                current.Add(new BucketPiece(entry, offset, used, take));
                used += take;
                offset += take;
                remaining -= take;
            }
        }
        if (current is not null) lengths.Add(used);
        Buckets = buckets;
        BucketLengths = lengths;
    }

    /// <summary>The pieces of each bucket, in stream order.</summary>
    public IReadOnlyList<IReadOnlyList<BucketPiece>> Buckets { get; }

    /// <summary>The number of elements of each bucket.</summary>
    public IReadOnlyList<long> BucketLengths { get; }
}

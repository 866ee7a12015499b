using Seismic.Training.Distributed;

namespace Seismic.Training.Tests.Distributed;

public sealed class BucketPlanTests
{
    [Fact]
    public void Small_entries_share_a_bucket_and_a_large_one_spans_several()
    {
        var plan = new BucketPlan([2, 1, 0, 10, 3], bucketCapacity: 4);
        Assert.Equal([4L, 4, 4, 4], plan.BucketLengths);
        Assert.Equal([new BucketPiece(0, 0, 0, 2), new BucketPiece(1, 0, 2, 1), new BucketPiece(3, 0, 3, 1)], plan.Buckets[0]);
        Assert.Equal([new BucketPiece(3, 1, 0, 4)], plan.Buckets[1]);
        Assert.Equal([new BucketPiece(3, 5, 0, 4)], plan.Buckets[2]);
        Assert.Equal([new BucketPiece(3, 9, 0, 1), new BucketPiece(4, 0, 1, 3)], plan.Buckets[3]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Every_element_is_placed_once_in_order(long capacity)
    {
        long[] lengths = [5, 1, 17, 0, 3, 64, 2];
        var plan = new BucketPlan(lengths, capacity);
        Assert.All(plan.BucketLengths, n => Assert.InRange(n, 1, capacity));
        Assert.Equal(lengths.Sum(), plan.BucketLengths.Sum());
        var flat = plan.Buckets.SelectMany(b => b).ToArray();
        for (int entry = 0; entry < lengths.Length; entry++)
        {
            var own = flat.Where(p => p.Entry == entry).ToArray();
            Assert.Equal(lengths[entry], own.Sum(p => p.Length));
            for (int i = 1; i < own.Length; i++) Assert.Equal(own[i - 1].EntryOffset + own[i - 1].Length, own[i].EntryOffset);
        }
        Assert.All(plan.Buckets.Zip(plan.BucketLengths), b => Assert.Equal(b.Second, b.First.Sum(p => p.Length)));
    }

    [Fact]
    public void Bucket_size_is_validated() =>
        Assert.Contains("BucketBytes", Assert.Throws<ArgumentException>(() => new GradientReducerOptions { BucketBytes = 2L << 30 }.Validate()).Message);
}

using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;
using Seismic.Data.Tests.Support;

namespace Seismic.Data.Tests.Loading;

public class BatchLoaderTests : IDisposable
{
    private readonly SyntheticOpenFwi _data = new();
    private readonly SeismicDataset _ds;

    public BatchLoaderTests()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [6, 4]);
        _ds = SeismicDataset.Builder().FromDirectory(_data.Root).Dataset("tiny").Config(SyntheticOpenFwi.TinyConfig)
            .Split(DatasetSplit.Train).ImageSize(8).Build();
    }

    public void Dispose()
    {
        _ds.Dispose();
        _data.Dispose();
    }

    [Fact]
    public void Finite_unshuffled_batches_cover_every_sample_in_order_with_the_right_content()
    {
        var batches = _ds.CreateLoader(new BatchLoaderOptions { BatchSize = 4, Shuffle = false }).ToList();
        Assert.Equal([4, 4, 2], batches.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(0, 10), batches.SelectMany(b => b.Indices));
        var last = batches[2];
        Assert.Equal([2, 1, 8, 8], last.VelocityShape);
        Assert.Equal([2, 5, 8, 8], last.SeismicShape);
        var v = new float[64];
        var s = new float[320];
        _ds.ReadSample(9, v, s);
        Assert.Equal(v, last.Velocity[64..]);
        Assert.Equal(s, last.Seismic[320..]);
    }

    [Fact]
    public void Drop_last_drops_the_partial_batch()
    {
        var loader = _ds.CreateLoader(new BatchLoaderOptions { BatchSize = 4, DropLast = true, Seed = 3 });
        Assert.Equal(2, loader.BatchesPerEpoch);
        var batches = loader.ToList();
        Assert.Equal([4, 4], batches.Select(b => b.Count));
        Assert.Equal(8, batches.SelectMany(b => b.Indices).Distinct().Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Shuffling_is_deterministic_for_a_seed_and_differs_between_seeds(int prefetch)
    {
        int[] Order(int seed) => _ds.CreateLoader(new BatchLoaderOptions { BatchSize = 3, Seed = seed, PrefetchBatches = prefetch })
            .SelectMany(b => b.Indices).ToArray();
        var a = Order(7);
        Assert.Equal(a, Order(7));
        Assert.NotEqual(a, Order(8));
        Assert.Equal(Enumerable.Range(0, 10), a.Order());
        Assert.NotEqual(Enumerable.Range(0, 10), a);
        // Content equals the data of the indices, whatever the prefetching.
        var first = _ds.CreateLoader(new BatchLoaderOptions { BatchSize = 3, Seed = 7, PrefetchBatches = prefetch }).First();
        var v = new float[64];
        _ds.ReadSample(first.Indices[1], v, new float[320]);
        Assert.Equal(v, first.Velocity[64..128]);
    }

    [Fact]
    public void Int_seeds_keep_their_system_random_order_and_large_seeds_are_deterministic()
    {
        int[] Order(Seed seed) => [.. _ds.CreateLoader(new BatchLoaderOptions { BatchSize = 10, Seed = seed, PrefetchBatches = 0 }).IndexBatches().First().Indices];
        // Seeds that fit an int shuffle exactly as System.Random(seed) did when the option was an int.
        var expected = Enumerable.Range(0, 10).ToArray();
        new Random(7).Shuffle(expected);
        Assert.Equal(expected, Order(7));
        Seed large = (ulong)int.MaxValue + 5;
        Assert.Equal(Order(large), Order(large));
        Assert.Equal(Enumerable.Range(0, 10), Order(large).Order());
        Assert.Equal(Order(ulong.MaxValue), Order(ulong.MaxValue));
    }

    [Fact]
    public void Options_are_an_immutable_record_varied_with_with()
    {
        var a = new BatchLoaderOptions { BatchSize = 4, Seed = 3 };
        var b = a with { Seed = 4 };
        Assert.Equal((4, new Seed(3)), (a.BatchSize, a.Seed));
        Assert.Equal((4, new Seed(4)), (b.BatchSize, b.Seed));
        Assert.Equal(a, b with { Seed = 3 });
        var defaults = new BatchLoaderOptions();
        Assert.Equal((32, true, Seed.Zero, false, false, 2), (defaults.BatchSize, defaults.Shuffle, defaults.Seed, defaults.DropLast, defaults.Endless, defaults.PrefetchBatches));
    }

    [Fact]
    public void A_dataset_given_as_a_type_reads_the_same_samples_as_its_name()
    {
        using var byType = SeismicDataset.Builder().FromDirectory(_data.Root).Dataset(SyntheticOpenFwi.Tiny)
            .Split(DatasetSplit.Train).ImageSize(8).UseCache(false).Build();
        Assert.Same(SyntheticOpenFwi.Tiny, byType.Info);
        Assert.Equal(_ds.Count, byType.Count);
        float[] Velocity(SeismicDataset d)
        {
            var v = new float[64];
            d.ReadSample(3, v, new float[320]);
            return v;
        }
        Assert.Equal(Velocity(_ds), Velocity(byType));
        // The last call wins: a name after a type is looked up in the config.
        Assert.Throws<ArgumentException>(() => SeismicDataset.Builder().FromDirectory(_data.Root).Dataset(SyntheticOpenFwi.Tiny).Dataset("tiny").Build());
    }

    [Fact]
    public void Endless_mode_gives_full_batches_and_every_epoch_is_a_permutation()
    {
        var loader = _ds.CreateLoader(new BatchLoaderOptions { BatchSize = 4, Endless = true, Seed = 1 });
        var batches = loader.Take(10).ToList(); // 40 samples = 4 epochs
        Assert.All(batches, b => Assert.Equal(4, b.Count));
        var stream = batches.SelectMany(b => b.Indices).ToArray();
        var epochs = Enumerable.Range(0, 4).Select(e => stream[(e * 10)..(e * 10 + 10)]).ToList();
        Assert.All(epochs, e => Assert.Equal(Enumerable.Range(0, 10), e.Order()));
        Assert.NotEqual(epochs[0], epochs[1]);
        Assert.Equal([0L, 0L, 0L, 1L, 1L, 2L, 2L, 2L, 3L, 3L], batches.Select(b => b.Epoch));
        Assert.Equal(stream, loader.Take(10).SelectMany(b => b.Indices));
    }

    [Fact]
    public void Errors_while_prefetching_reach_the_consumer()
    {
        using var ds = SeismicDataset.Builder().FromDirectory(_data.Root).Dataset("tiny").Config(SyntheticOpenFwi.TinyConfig)
            .ImageSize(8).UseCache(false).Build();
        var loader = ds.CreateLoader(new BatchLoaderOptions { BatchSize = 5, Shuffle = false, PrefetchBatches = 1 });
        File.WriteAllBytes(Path.Combine(_data.SplitDir("train"), "model", "model2.npy"), [1, 2, 3]); // corrupt the second file
        var e = Assert.ThrowsAny<Exception>(() => loader.ToList());
        Assert.Contains("model2.npy", e.ToString());
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.StartsWith("BatchSize must be at least 1", Assert.Throws<ArgumentException>(() => _ds.CreateLoader(new BatchLoaderOptions { BatchSize = 0 })).Message);
        Assert.Equal("PrefetchBatches", Assert.Throws<ArgumentException>(() => _ds.CreateLoader(new BatchLoaderOptions { PrefetchBatches = -1 })).ParamName);
        Assert.Equal("ReaderThreads", Assert.Throws<ArgumentException>(() => _ds.CreateLoader(new BatchLoaderOptions { ReaderThreads = 0 })).ParamName);
    }

    [Fact]
    public void Disposed_batches_hand_their_arrays_to_the_next_batch_with_correct_content()
    {
        var loader = _ds.CreateLoader(new BatchLoaderOptions { BatchSize = 4, Shuffle = false, PrefetchBatches = 0 });
        var first = loader.Load([0, 1, 2, 3], 0);
        var velocity = first.Velocity;
        first.Dispose();
        first.Dispose(); // twice is harmless
        using var second = loader.Load([9, 8, 7, 6], 0);
        Assert.Same(velocity, second.Velocity);
        var v = new float[64];
        _ds.ReadSample(8, v, new float[320]);
        Assert.Equal(v, second.Velocity[64..128]);
        using var third = loader.Load([5, 4, 3, 2], 0); // the second still holds its arrays: fresh ones
        Assert.NotSame(second.Velocity, third.Velocity);
    }
}

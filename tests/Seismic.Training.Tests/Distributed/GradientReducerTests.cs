using Seismic.Training.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Training.Tests.Distributed;

[Collection("torch")]
public sealed class GradientReducerTests
{
    // 35 + 7 + 21 + 3 = 66 elements in four parameters.
    private static nn.Module Net() => nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3));

    /// <summary>One net per rank with its own weights, and a seeded gradient per rank and parameter (null where <paramref name="absent"/> says).</summary>
    private static nn.Module[] Nets(int ranks, Func<int, int, bool>? absent = null)
    {
        manual_seed(11);
        var nets = Enumerable.Range(0, ranks).Select(_ => Net()).ToArray();
        for (int r = 0; r < ranks; r++)
        {
            int i = 0;
            foreach (var p in nets[r].parameters())
            {
                if (absent?.Invoke(r, i) != true)
                    p.grad = randn(p.shape, generator: new Generator((ulong)(100 * r + i))).DetachFromDisposeScope();
                i++;
            }
        }
        return nets;
    }

    private static float[][] Grads(nn.Module net) =>
        net.parameters().Select(p => p.grad is { } g ? g.data<float>().ToArray() : []).ToArray();

    /// <summary>The element-wise sum in rank order, as the in-memory world (and a two-rank MPI sum) computes it.</summary>
    private static float[][] Sum(float[][][] perRank) =>
        perRank[0].Select((_, i) => perRank[0][i].Select((_, k) =>
        {
            float s = 0;
            bool first = true;
            foreach (var rank in perRank.Where(r => r[i].Length > 0))
            {
                s = first ? rank[i][k] : s + rank[i][k];
                first = false;
            }
            return s;
        }).ToArray()).ToArray();

    [Theory]
    [InlineData(2, 8L)]            // 2 floats per bucket: every parameter spans many buckets
    [InlineData(3, 36L)]           // 9 floats: tiny parameters share, large ones span
    [InlineData(2, 25L << 20)]     // the default: one bucket
    public void Gradients_become_the_element_wise_sum_over_ranks(int ranks, long bucketBytes)
    {
        var nets = Nets(ranks);
        var before = nets.Select(Grads).ToArray();
        var after = new float[ranks][][];
        var bucketCounts = new int[ranks];
        InMemoryWorld.Run(ranks, g =>
        {
            using var reducer = new GradientReducer(nets[g.Rank], g, new GradientReducerOptions { BucketBytes = bucketBytes });
            reducer.AllReduceGradients();
            after[g.Rank] = Grads(nets[g.Rank]);
            bucketCounts[g.Rank] = reducer.GradientBucketLengths.Count;
        });
        var expected = Sum(before);
        foreach (var rank in after) Assert.Equal(expected, rank);
        // 66 gradient elements + 4 presence flags, cut into buckets of bucketBytes / 4 floats.
        Assert.All(bucketCounts, n => Assert.Equal((int)Math.Ceiling(70.0 / Math.Min(70, bucketBytes / 4)), n));
    }

    [Fact]
    public void A_missing_gradient_counts_as_zeros_and_one_missing_everywhere_stays_missing()
    {
        // Parameter 0: rank 0 has none. Parameter 1: no rank has one.
        var nets = Nets(2, (rank, i) => i == 1 || (i == 0 && rank == 0));
        var before = nets.Select(Grads).ToArray();
        var after = new float[2][][];
        InMemoryWorld.Run(2, g =>
        {
            using var reducer = new GradientReducer(nets[g.Rank], g, new GradientReducerOptions { BucketBytes = 40 });
            reducer.AllReduceGradients();
            after[g.Rank] = Grads(nets[g.Rank]);
        });
        foreach (var rank in after)
        {
            Assert.Equal(before[1][0], rank[0]);   // rank 1's gradient, now on both ranks
            Assert.Empty(rank[1]);                  // still no gradient anywhere
            Assert.Equal(before[0][2].Zip(before[1][2], (a, b) => a + b), rank[2]);
        }
    }

    [Fact]
    public void Broadcast_gives_every_rank_the_root_weights_bit_for_bit()
    {
        var nets = Nets(3);
        var rootWeights = nets[1].parameters().Select(p => p.data<float>().ToArray()).ToArray();
        Assert.NotEqual(rootWeights[0], nets[0].parameters().First().data<float>().ToArray());
        InMemoryWorld.Run(3, g =>
        {
            using var reducer = new GradientReducer(nets[g.Rank], g, new GradientReducerOptions { BucketBytes = 24 });
            reducer.BroadcastParameters(root: 1);
        });
        foreach (var net in nets) Assert.Equal(rootWeights, net.parameters().Select(p => p.data<float>().ToArray()).ToArray());
    }

    [Fact]
    public void Reducing_leaves_no_live_tensors_behind()
    {
        var nets = Nets(2);
        var leaked = new long[2];
        InMemoryWorld.Run(2, g =>
        {
            using var reducer = new GradientReducer(nets[g.Rank], g, new GradientReducerOptions { BucketBytes = 20 });
            reducer.AllReduceGradients(); // allocates the persistent buckets
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int i = 0; i < 5; i++)
            {
                reducer.AllReduceGradients();
                reducer.BroadcastParameters();
            }
            leaked[g.Rank] = DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        });
        Assert.Equal([0L, 0L], leaked);
    }

    [Fact]
    public void With_one_process_nothing_changes()
    {
        var net = Nets(1)[0];
        var before = Grads(net);
        using var reducer = new GradientReducer(net, SingleProcessGroup.Instance);
        reducer.BroadcastParameters();
        reducer.AllReduceGradients();
        Assert.Equal(before, Grads(net));
    }

    [Fact]
    public void Float64_parameters_are_reduced_in_float64()
    {
        manual_seed(3);
        var nets = Enumerable.Range(0, 2).Select(_ => nn.Linear(3, 2).to(ScalarType.Float64)).ToArray();
        for (int r = 0; r < 2; r++)
            foreach (var p in nets[r].parameters()) p.grad = full(p.shape, 0.1 + r * 1e-12, ScalarType.Float64).DetachFromDisposeScope();
        InMemoryWorld.Run(2, g =>
        {
            using var reducer = new GradientReducer(nets[g.Rank], g);
            reducer.AllReduceGradients();
        });
        foreach (var net in nets)
            Assert.All(net.parameters(), p => Assert.All(p.grad!.data<double>().ToArray(), v => Assert.Equal(0.1 + (0.1 + 1e-12), v)));
    }
}

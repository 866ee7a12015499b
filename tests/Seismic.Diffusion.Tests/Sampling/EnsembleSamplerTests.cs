using Seismic.Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Tests.Sampling;

[Collection("torch")]
public class EnsembleSamplerTests
{
    private static Tensor X1() { using var g = new Generator(21); return torch.rand(3, 1, 8, 8, generator: g) * 2 - 1; }
    private static Tensor Cond() { using var g = new Generator(22); return torch.rand(3, 5, 8, 8, generator: g) * 2 - 1; }

    private static EnsembleResult Run(Diffusion.Bridge bridge, SamplerOptions options, EnsembleOptions ensemble, ulong seed, FakeNetwork? net = null)
    {
        using var x1 = X1();
        using var cond = Cond();
        using var gen = new Generator(seed);
        return new EnsembleSampler(bridge, net ?? new FakeNetwork(), options, ensemble).Sample(x1, cond, gen);
    }

    [Fact]
    public void Sde_members_differ_and_a_seed_fixes_them()
    {
        using var bridge = new Diffusion.Bridge();
        var options = new SamplerOptions { Nfe = 10 };
        var ensemble = new EnsembleOptions { Members = 4, MaxBatch = 5 };
        using var a = Run(bridge, options, ensemble, 7);
        using var b = Run(bridge, options, ensemble, 7);
        using var c = Run(bridge, options, ensemble, 8);

        Assert.Equal([3L, 4, 1, 8, 8], a.Members.shape);
        Assert.True(a.Std.min().item<float>() > 0, "every pixel should vary across SDE members");
        Assert.False(Assertions.Equal(a.Members[0, 0], a.Members[0, 1]));
        Assert.True(Assertions.Equal(a.Members, b.Members));
        Assert.False(Assertions.Equal(a.Members, c.Members));
    }

    [Fact]
    public void Members_are_identical_without_noise()
    {
        using var ode = new Diffusion.Bridge(new BridgeOptions { OtOde = true });
        using var sde = new Diffusion.Bridge();
        var ensemble = new EnsembleOptions { Members = 4 };
        using var a = Run(ode, new SamplerOptions { Nfe = 10 }, ensemble, 1);
        using var b = Run(sde, new SamplerOptions { Nfe = 10, Deterministic = true }, ensemble, 2);
        foreach (var r in new[] { a, b })
        {
            Assert.Equal(0f, r.Std.abs().max().item<float>());
            for (int m = 1; m < 4; m++) Assert.True(Assertions.Equal(r.Members.select(1, 0), r.Members.select(1, m)));
        }
    }

    [Fact]
    public void One_member_reproduces_a_plain_sampler_run_exactly()
    {
        using var bridge = new Diffusion.Bridge();
        var options = new SamplerOptions { Nfe = 6, GuidanceScale = 0.5 };
        using var ensemble = Run(bridge, options, new EnsembleOptions { Members = 1, MaxBatch = 16 }, 99);
        using var x1 = X1();
        using var cond = Cond();
        using var gen = new Generator(99);
        using var plain = new BridgeSampler(bridge, new FakeNetwork(), options).Sample(x1, cond, gen);
        Assert.True(Assertions.Equal(plain.X0, ensemble.Members.select(1, 0)));
        Assert.True(Assertions.Equal(plain.X0, ensemble.Mean));
    }

    [Fact]
    public void Members_go_through_the_network_together_in_bounded_chunks()
    {
        using var bridge = new Diffusion.Bridge(new BridgeOptions { OtOde = true });
        var options = new SamplerOptions { Nfe = 5 };
        var together = new FakeNetwork();
        using var a = Run(bridge, options, new EnsembleOptions { Members = 4, MaxBatch = 64 }, 1, together);
        Assert.Equal(5, together.Calls);                       // one call of 3 x 4 rows per step
        Assert.All(together.SeenBatchSizes, n => Assert.Equal(12, n));
        Assert.Equal(5, a.NetworkCalls);

        var chunked = new FakeNetwork();
        using var b = Run(bridge, options, new EnsembleOptions { Members = 4, MaxBatch = 5 }, 1, chunked);
        Assert.Equal(15, chunked.Calls);                       // 12 rows in chunks of 5, 5 and 2
        Assert.All(chunked.SeenBatchSizes, n => Assert.True(n <= 5));
        // Chunk boundaries cut through inputs, yet every member still belongs to its own input.
        using var x1 = X1();
        using var cond = Cond();
        using var plain = new BridgeSampler(bridge, new FakeNetwork(), options).Sample(x1, cond);
        for (int m = 0; m < 4; m++)
            Assert.True(torch.allclose(plain.X0, b.Members.select(1, m), rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Mean_std_and_median_match_a_reference_computation()
    {
        foreach (int k in new[] { 1, 4, 5 })
        {
            using var g = new Generator((ulong)(30 + k));
            using var members = torch.randn([2, k, 1, 3, 3], generator: g);
            var values = members.data<float>().ToArray();
            using var result = new EnsembleResult(members.clone());
            using var median = result.Median();
            var (mean, std, med) = (result.Mean.data<float>().ToArray(), result.Std.data<float>().ToArray(), median.data<float>().ToArray());
            for (int i = 0; i < 2; i++)
                for (int p = 0; p < 9; p++)
                {
                    var column = Enumerable.Range(0, k).Select(m => (double)values[(i * k + m) * 9 + p]).ToArray();
                    double mu = column.Average();
                    double sd = k == 1 ? 0 : Math.Sqrt(column.Sum(v => (v - mu) * (v - mu)) / (k - 1));
                    var sorted = column.Order().ToArray();
                    double md = k % 2 == 1 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
                    Assert.Equal(mu, mean[i * 9 + p], 5);
                    Assert.Equal(sd, std[i * 9 + p], 5);
                    Assert.Equal(md, med[i * 9 + p], 5);
                }
        }
    }

    [Fact]
    public void Lowest_misfit_selection_picks_the_member_with_the_lowest_misfit()
    {
        // Member m of input i is filled with 10 i + m, so a selected map tells which member it came from.
        var values = new float[2 * 3 * 4];
        for (int i = 0; i < 2; i++)
            for (int m = 0; m < 3; m++)
                for (int p = 0; p < 4; p++) values[(i * 3 + m) * 4 + p] = 10 * i + m;
        using var result = new EnsembleResult(torch.tensor(values, [2, 3, 1, 2, 2]));
        double[] misfit = [0.5, 0.2, 0.9, 0.3, 0.3, 0.1];
        Assert.Equal([1, 2], result.LowestMisfitMembers(misfit));
        using var picked = result.Select(EnsembleSelection.LowestMisfit, misfit);
        Assert.Equal([2L, 1, 2, 2], picked.shape);
        Assert.Equal([1f, 1, 1, 1, 12, 12, 12, 12], picked.data<float>().ToArray());
        using var mean = result.Select(EnsembleSelection.Mean);
        Assert.Equal(1f, mean[0, 0, 0, 0].item<float>());
        Assert.Throws<ArgumentException>(() => result.Select(EnsembleSelection.LowestMisfit));
        Assert.Throws<ArgumentException>(() => result.LowestMisfitMembers([0.1, double.NaN, 0.2, 0.3, 0.3, 0.1]));
    }

    [Fact]
    public void Sampling_frees_everything_but_the_result()
    {
        using var bridge = new Diffusion.Bridge();
        var ensemble = new EnsembleOptions { Members = 3, MaxBatch = 4 };
        Run(bridge, new SamplerOptions { Nfe = 4 }, ensemble, 3).Dispose();   // warm-up
        using var x1 = X1();
        using var cond = Cond();
        using var gen = new Generator(3);
        var sampler = new EnsembleSampler(bridge, new FakeNetwork(), new SamplerOptions { Nfe = 4 }, ensemble);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var result = sampler.Sample(x1, cond, gen);
        Assert.Equal(3, DisposeScopeManager.Statistics.ThreadTotalLiveCount - before); // members, mean, std
        result.Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        using var bridge = new Diffusion.Bridge();
        var e = Assert.Throws<ArgumentException>(() => new EnsembleSampler(bridge, new FakeNetwork(), null, new EnsembleOptions { Members = 0 }));
        Assert.StartsWith("Members must be at least 1", e.Message);
        Assert.Equal("Members", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => new EnsembleSampler(bridge, new FakeNetwork(), null, new EnsembleOptions { MaxBatch = 0 }));
        Assert.Equal("MaxBatch", e.ParamName);
    }
}

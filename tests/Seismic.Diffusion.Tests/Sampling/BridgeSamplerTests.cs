using Seismic.Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Tests.Sampling;

[Collection("torch")]
public class BridgeSamplerTests
{
    private static Tensor X1() { using var g = new Generator(11); return torch.rand(2, 1, 8, 8, generator: g) * 2 - 1; }
    private static Tensor Cond() { using var g = new Generator(12); return torch.rand(2, 5, 8, 8, generator: g) * 2 - 1; }

    private static Tensor Run(Diffusion.Bridge bridge, SamplerOptions options, Tensor x1, Tensor? cond, Generator? gen, FakeNetwork? net = null)
    {
        using var result = new BridgeSampler(bridge, net ?? new FakeNetwork(), options).Sample(x1, cond, gen);
        return result.X0.clone();
    }

    [Fact]
    public void Ot_ode_sampling_is_deterministic()
    {
        using var bridge = new Diffusion.Bridge(new BridgeOptions { OtOde = true });
        using var x1 = X1();
        using var g1 = new Generator(1);
        using var g2 = new Generator(2);
        using var a = Run(bridge, new SamplerOptions { Nfe = 20 }, x1, null, g1);
        using var b = Run(bridge, new SamplerOptions { Nfe = 20 }, x1, null, g2);
        Assert.True(Assertions.Equal(a, b));
    }

    [Fact]
    public void Sde_sampling_is_reproducible_with_a_seed_and_random_without()
    {
        using var bridge = new Diffusion.Bridge();
        using var x1 = X1();
        var options = new SamplerOptions { Nfe = 20 };
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        using var g3 = new Generator(43);
        using var a = Run(bridge, options, x1, null, g1);
        using var b = Run(bridge, options, x1, null, g2);
        using var c = Run(bridge, options, x1, null, g3);
        Assert.True(Assertions.Equal(a, b));
        Assert.False(Assertions.Equal(a, c));
    }

    [Fact]
    public void Deterministic_switch_removes_the_noise_of_an_sde_bridge()
    {
        using var sde = new Diffusion.Bridge();
        using var ode = new Diffusion.Bridge(new BridgeOptions { OtOde = true });
        using var x1 = X1();
        var options = new SamplerOptions { Nfe = 10, Deterministic = true };
        using var g1 = new Generator(1);
        using var g2 = new Generator(2);
        using var a = Run(sde, options, x1, null, g1);
        using var b = Run(sde, options, x1, null, g2);
        using var c = Run(ode, new SamplerOptions { Nfe = 10 }, x1, null, null);
        Assert.True(Assertions.Equal(a, b));
        Assert.True(Assertions.Equal(a, c));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Nfe_one_returns_the_posterior_to_zero_of_one_call(bool predX0)
    {
        using var bridge = new Diffusion.Bridge(new BridgeOptions { Parameterization = predX0 ? BridgeParameterization.PredX0 : BridgeParameterization.NoiseLike });
        using var x1 = X1();
        using var cond = Cond();
        var net = new FakeNetwork();
        using var result = new BridgeSampler(bridge, net, new SamplerOptions { Nfe = 1 }).Sample(x1, cond);
        Assert.Equal(1, net.Calls);
        Assert.Equal(999L, net.SeenSteps.Single());
        Assert.Equal(1, result.NetworkCalls);

        using var steps = torch.full(2, 999, dtype: ScalarType.Int64);
        using var output = new FakeNetwork().Predict(x1, steps, cond);
        using var x0Hat = bridge.RecoverX0(steps, x1, output);
        using var expected = bridge.PosteriorStep(0, 999, x1, x0Hat);
        Assert.True(result.X0.allclose(expected, rtol: 0, atol: 1e-6));
        // The posterior to step 0 adds no noise, even on an SDE bridge.
        using var g = new Generator(99);
        using var again = new BridgeSampler(bridge, new FakeNetwork(), new SamplerOptions { Nfe = 1 }).Sample(x1, cond, g);
        Assert.True(Assertions.Equal(result.X0, again.X0));
    }

    [Fact]
    public void Without_guidance_each_step_is_one_conditional_call()
    {
        using var bridge = new Diffusion.Bridge(new BridgeOptions { OtOde = true });
        using var x1 = X1();
        using var cond = Cond();
        var net = new FakeNetwork();
        using var result = new BridgeSampler(bridge, net, new SamplerOptions { Nfe = 7, GuidanceScale = 0, Formula = GuidanceFormula.Mixture }).Sample(x1, cond);
        Assert.Equal(7, net.Calls);
        Assert.Equal(7, net.ConditionalCalls);
        Assert.Equal(new long[] { 999, 856, 714, 571, 428, 285, 143 }, net.SeenSteps);
    }

    [Theory]
    [InlineData(GuidanceFormula.Classic, 2.0)]
    [InlineData(GuidanceFormula.Mixture, 2.0)]
    [InlineData(GuidanceFormula.Mixture, 0.5)]
    public void Guidance_combines_conditional_and_unconditional_outputs(GuidanceFormula formula, double w)
    {
        using var bridge = new Diffusion.Bridge(new BridgeOptions { OtOde = true });
        using var x1 = X1();
        using var cond = Cond();
        var net = new FakeNetwork();
        using var result = new BridgeSampler(bridge, net, new SamplerOptions { Nfe = 1, GuidanceScale = w, Formula = formula }).Sample(x1, cond);
        Assert.Equal(2, net.Calls);
        Assert.Equal(1, net.ConditionalCalls);

        var reference = new FakeNetwork();
        using var steps = torch.full(2, 999, dtype: ScalarType.Int64);
        using var c = reference.Predict(x1, steps, cond);
        using var u = reference.Predict(x1, steps, null);
        using var guided = formula == GuidanceFormula.Classic ? (1 + w) * c - w * u : w * c + (1 - w) * u;
        using var x0Hat = bridge.RecoverX0(steps, x1, guided);
        using var expected = bridge.PosteriorStep(0, 999, x1, x0Hat);
        Assert.True(result.X0.allclose(expected, rtol: 0, atol: 1e-5));

        using var unguided = Run(bridge, new SamplerOptions { Nfe = 1 }, x1, cond, null);
        Assert.False(result.X0.allclose(unguided, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Trajectory_logs_evenly_spaced_states_ending_with_the_result()
    {
        using var bridge = new Diffusion.Bridge(new BridgeOptions { OtOde = true });
        using var x1 = X1();
        using var result = new BridgeSampler(bridge, new FakeNetwork(), new SamplerOptions { Nfe = 10, LogCount = 4 }).Sample(x1);
        Assert.NotNull(result.States);
        Assert.NotNull(result.X0Predictions);
        Assert.Equal(new long[] { 2, 4, 1, 8, 8 }, result.States!.shape);
        Assert.Equal(new long[] { 2, 4, 1, 8, 8 }, result.X0Predictions!.shape);
        // Grid 0,100,...,999 (11 points); logged indices space(10, 4) = 0, 3, 6, 9.
        Assert.Equal(new[] { 0, 300, 599, 899 }, result.LoggedSteps);
        Assert.True(Assertions.Equal(result.States[.., 0], result.X0));
        Assert.Equal(DeviceType.CPU, result.States.device_type);
    }

    [Fact]
    public void Clip_denoise_bounds_x0_hat()
    {
        using var bridge = new Diffusion.Bridge(new BridgeOptions { OtOde = true, Parameterization = BridgeParameterization.PredX0 });
        using var x1 = X1() * 10;
        using var clipped = new BridgeSampler(bridge, new FakeNetwork(), new SamplerOptions { Nfe = 3, ClipDenoise = true, LogCount = 3 }).Sample(x1);
        using var free = new BridgeSampler(bridge, new FakeNetwork(), new SamplerOptions { Nfe = 3, LogCount = 3 }).Sample(x1);
        Assert.True(clipped.X0Predictions!.abs().max().item<float>() <= 1f);
        Assert.True(free.X0Predictions!.abs().max().item<float>() > 1f);
    }

    [Fact]
    public void Sampling_frees_everything_but_the_result()
    {
        using var bridge = new Diffusion.Bridge();
        using var x1 = X1();
        using var cond = Cond();
        using var gen = new Generator(5);
        var sampler = new BridgeSampler(bridge, new FakeNetwork(), new SamplerOptions { Nfe = 25, GuidanceScale = 1.5, LogCount = 5 });
        // Warm up once so lazily created native state does not count.
        sampler.Sample(x1, cond, gen).Dispose();

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var result = sampler.Sample(x1, cond, gen);
        long during = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        result.Dispose();
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.Equal(3, during - before); // X0, States, X0Predictions
        Assert.Equal(before, after);
    }

    [Fact]
    public void Live_tensors_stay_flat_across_steps()
    {
        using var bridge = new Diffusion.Bridge();
        using var x1 = X1();
        using var gen = new Generator(6);
        var counts = new List<long>();
        var sampler = new BridgeSampler(bridge, new FakeNetwork(), new SamplerOptions { Nfe = 30 });
        using var result = sampler.Sample(x1, null, gen, (_, _) => counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount));
        Assert.Equal(30, counts.Count);
        Assert.Single(counts.Skip(1).Distinct());
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        using var bridge = new Diffusion.Bridge();
        var e = Assert.Throws<ArgumentException>(() => new BridgeSampler(bridge, new FakeNetwork(), new SamplerOptions { Nfe = 1000 }));
        Assert.StartsWith("Nfe must be in [1, 999] for interval 1000, got 1000", e.Message);
        Assert.Equal("Nfe", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => new BridgeSampler(bridge, new FakeNetwork(), new SamplerOptions { LogCount = -1 }));
        Assert.Equal("LogCount", e.ParamName);
    }

    [Fact]
    public void Default_nfe_is_interval_minus_one()
    {
        using var bridge = new Diffusion.Bridge(new BridgeOptions { Interval = 20, BetaMax = 0.3 });
        var sampler = new BridgeSampler(bridge, new FakeNetwork());
        Assert.Equal(19, sampler.Nfe);
        Assert.Equal(Enumerable.Range(0, 20), sampler.Steps);
    }
}

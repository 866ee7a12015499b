using Seismic.Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Tests.Sampling;

/// <summary><see cref="EnsembleSampler.SampleMembers"/>: one start state per member.</summary>
[Collection("torch")]
public class EnsembleSamplerMembersTests
{
    [Fact]
    public void Members_from_the_same_start_state_reproduce_sample_and_own_start_states_give_their_own_draws()
    {
        using var bridge = new Diffusion.Bridge();
        var ensemble = new EnsembleOptions { Members = 3, MaxBatch = 4 }; // 6 rows in two chunks
        var sampler = new EnsembleSampler(bridge, new FakeNetwork(), new SamplerOptions { Nfe = 5 }, ensemble);
        using var g0 = new Generator(31);
        using var x1 = rand(2, 1, 8, 8, generator: g0) * 2 - 1;
        using var cond = rand(2, 5, 8, 8, generator: g0) * 2 - 1;

        using var gA = new Generator(4);
        using var plain = sampler.Sample(x1, cond, gA);
        using var same = x1.unsqueeze(1).expand(2, 3, 1, 8, 8).contiguous();
        using var gB = new Generator(4);
        using var members = sampler.SampleMembers(same, cond, gB);
        Assert.True(Assertions.Equal(plain.Members, members.Members));

        // Without noise, members differ exactly where their start states do: member j of input i from x1[i, j].
        var deterministic = new EnsembleSampler(bridge, new FakeNetwork(), new SamplerOptions { Nfe = 5, Deterministic = true }, ensemble);
        using var starts = x1.unsqueeze(1) + tensor(new float[] { 0f, 0.1f, -0.1f }).view(1, 3, 1, 1, 1);
        using var own = deterministic.SampleMembers(starts, cond);
        Assert.True(own.Std.min().item<float>() > 0);
        using var single = deterministic.Sample(starts[.., 1], cond);
        Assert.True(Assertions.Equal(single.Members.select(1, 0), own.Members.select(1, 1)));

        Assert.Throws<ArgumentException>(() => sampler.SampleMembers(x1, cond));
        Assert.Throws<ArgumentException>(() => new EnsembleOptions { Variation = (EnsembleVariation)9 }.Validate());
    }
}

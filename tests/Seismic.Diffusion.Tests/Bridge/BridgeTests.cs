using Seismic.Tests;
using TorchSharp;
using static TorchSharp.torch;

// Namespace without the folder name: a Tests.Bridge namespace would hide the Bridge class in sibling namespaces.
namespace Seismic.Diffusion.Tests;

public class BridgeTests
{
    private static Tensor Steps(System.Text.Json.JsonElement c) =>
        torch.tensor(c.GetProperty("steps").EnumerateArray().Select(e => e.GetInt64()).ToArray());

    private static Bridge Create(System.Text.Json.JsonElement c, bool predX0 = false) =>
        new(new BridgeOptions
        {
            Interval = c.GetProperty("interval").GetInt32(),
            BetaMax = c.GetProperty("beta_max").GetDouble(),
            Parameterization = predX0 ? BridgeParameterization.PredX0 : BridgeParameterization.NoiseLike,
        });

    [Fact]
    public void QSample_without_noise_matches_the_reference()
    {
        var c = Golden.Cases("q_sample_ot_ode").Single();
        using var bridge = Create(c);
        using var steps = Steps(c);
        using var x0 = Assertions.FromGolden(c.GetProperty("x0").GetString()!);
        using var x1 = Assertions.FromGolden(c.GetProperty("x1").GetString()!);
        using var xt = bridge.QSample(steps, x0, x1, otOde: true);
        Assertions.Close(Golden.ReadDoubles(c.GetProperty("expected").GetString()!), Assertions.ToDoubles(xt), 1e-5, "x_t");
    }

    [Fact]
    public void Noise_like_label_matches_the_reference()
    {
        var c = Golden.Cases("label_eps").Single();
        using var bridge = Create(c);
        using var steps = Steps(c);
        using var x0 = Assertions.FromGolden(c.GetProperty("x0").GetString()!);
        using var xt = Assertions.FromGolden(c.GetProperty("xt").GetString()!);
        using var label = bridge.TrainingLabel(steps, x0, xt);
        Assertions.Close(Golden.ReadDoubles(c.GetProperty("expected").GetString()!), Assertions.ToDoubles(label), 1e-5, "label");
    }

    [Fact]
    public void Posterior_without_noise_matches_the_reference()
    {
        var c = Golden.Cases("posterior_ot_ode").Single();
        using var bridge = Create(c);
        foreach (var pair in c.GetProperty("pairs").EnumerateArray())
        {
            using var xn = Assertions.FromGolden(pair.GetProperty("x_n").GetString()!);
            using var x0Hat = Assertions.FromGolden(pair.GetProperty("x0_hat").GetString()!);
            int nPrev = pair.GetProperty("n_prev").GetInt32(), n = pair.GetProperty("n").GetInt32();
            using var output = bridge.PosteriorStep(nPrev, n, xn, x0Hat, otOde: true);
            Assertions.Close(Golden.ReadDoubles(pair.GetProperty("expected").GetString()!), Assertions.ToDoubles(output), 1e-5, $"posterior {nPrev}<-{n}");
        }
    }

    [Fact]
    public void Label_and_x0_recovery_invert_each_other()
    {
        using var bridge = new Bridge();
        using var gen = new Generator(7);
        using var x0 = torch.rand(4, 1, 8, 8, generator: gen) * 2 - 1;
        using var x1 = torch.rand(4, 1, 8, 8, generator: gen) * 2 - 1;
        using var steps = bridge.SampleSteps(4, gen);
        using var xn = bridge.QSample(steps, x0, x1, gen);
        using var label = bridge.TrainingLabel(steps, x0, xn);
        using var recovered = bridge.RecoverX0(steps, xn, label);
        Assert.True(recovered.allclose(x0, rtol: 0, atol: 1e-4));
    }

    [Fact]
    public void Pred_x0_label_is_x0_and_recovery_is_the_output_clipped_on_request()
    {
        using var bridge = new Bridge(new BridgeOptions { Parameterization = BridgeParameterization.PredX0 });
        using var x0 = torch.linspace(-2, 2, 16).reshape(1, 1, 4, 4);
        using var steps = torch.tensor(new long[] { 10 });
        using var label = bridge.TrainingLabel(steps, x0, torch.zeros_like(x0));
        Assert.True(Assertions.Equal(label, x0));
        using var x0Hat = bridge.RecoverX0(steps, torch.zeros_like(x0), x0, clipDenoise: true);
        Assert.Equal(1f, x0Hat.max().item<float>());
        Assert.Equal(-1f, x0Hat.min().item<float>());
    }

    [Fact]
    public void QSample_noise_follows_the_bridge_marginal()
    {
        using var bridge = new Bridge();
        using var gen = new Generator(3);
        using var x0 = torch.zeros(2000, 1, 4, 4);
        using var x1 = torch.ones(2000, 1, 4, 4);
        using var steps = torch.full(2000, 500, dtype: ScalarType.Int64);
        using var xn = bridge.QSample(steps, x0, x1, gen);
        Assert.Equal(bridge.Schedule.MuX1[500], xn.mean().item<float>(), 2);
        Assert.Equal(bridge.Schedule.StdSb[500], xn.std().item<float>(), 2);
    }

    [Fact]
    public void Ot_ode_bridge_drops_the_noise_unless_overridden()
    {
        using var bridge = new Bridge(new BridgeOptions { OtOde = true });
        using var x0 = torch.zeros(2, 1, 4, 4);
        using var x1 = torch.ones(2, 1, 4, 4);
        using var steps = torch.tensor(new long[] { 500, 500 });
        using var xn = bridge.QSample(steps, x0, x1);
        Assert.True(xn.allclose(torch.full_like(x0, bridge.Schedule.MuX1[500]), rtol: 0, atol: 1e-7));
        using var noisy = bridge.QSample(steps, x0, x1, otOde: false);
        Assert.False(noisy.allclose(xn, rtol: 0, atol: 1e-3));
        using var post = bridge.PosteriorStep(100, 500, x1, x0);
        using var postNoisy = bridge.PosteriorStep(100, 500, x1, x0, otOde: false);
        Assert.False(post.allclose(postNoisy, rtol: 0, atol: 1e-4));
    }

    [Fact]
    public void Posterior_rejects_unordered_steps()
    {
        using var bridge = new Bridge();
        using var x = torch.zeros(1, 1, 2, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => bridge.PosteriorStep(5, 5, x, x));
        Assert.Throws<ArgumentOutOfRangeException>(() => bridge.PosteriorStep(0, 1000, x, x));
    }

    [Fact]
    public void Time_input_gathers_the_noise_levels()
    {
        using var bridge = new Bridge();
        using var steps = torch.tensor(new long[] { 0, 999 });
        using var t = bridge.TimeInput(steps);
        Assert.Equal(bridge.NoiseLevels[0], t[0].item<float>());
        Assert.Equal(1000f, t[1].item<float>());
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        var e = Assert.Throws<ArgumentException>(() => new Bridge(new BridgeOptions { Interval = 7 }));
        Assert.StartsWith("Interval must be an even number in [2, ", e.Message);
        Assert.Equal("Interval", e.ParamName);
    }
}

using Seismic.Diffusion.Sampling;
using Seismic.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Models.Tests.Bridge;

[Collection("torch")]
public class BridgeNetworkTests
{
    private static float[] GoldenNoiseLevels()
    {
        var c = Golden.Cases("noise_levels").Single();
        return Golden.ReadFloats(c.GetProperty("file").GetString()!);
    }

    private static BridgeNetwork Conditional(long seed)
    {
        torch.manual_seed(seed);
        var unet = new AdmUNet(TestNets.Small(inChannels: 3, outChannels: 1));   // x_n 1 channel + condition 2 channels
        TestNets.Randomise(unet, seed);
        unet.eval();
        return new BridgeNetwork(unet, GoldenNoiseLevels());
    }

    [Fact]
    public void Predict_feeds_cat_of_state_and_condition_at_noise_level_of_the_step()
    {
        using var net = Conditional(21);
        Assert.True(net.IsConditional);
        Assert.Equal(2, net.ConditionChannels);
        Assert.Equal(1000, net.Interval);
        using var _ = no_grad();
        using var x = randn(2, 1, 8, 8);
        using var cond = randn(2, 2, 8, 8);
        using var steps = tensor(new long[] { 0, 999 });

        IBridgeNetwork bridge = net;
        using var y = bridge.Predict(x, steps, cond);
        using var expected = net.UNet.call(cat([x, cond], 1), tensor(new[] { net.NoiseLevel(0), net.NoiseLevel(999) }));
        Assert.True(y.SameAs(expected));
        Assert.Equal(0.1f, net.NoiseLevel(0), 6);
        Assert.Equal(1000f, net.NoiseLevel(999), 3);
    }

    [Fact]
    public void Null_condition_is_zeros()
    {
        using var net = Conditional(22);
        using var _ = no_grad();
        using var x = randn(2, 1, 8, 8);
        using var steps = tensor(new long[] { 5, 500 });
        using var withNull = net.Predict(x, steps, null);
        using var withZeros = net.Predict(x, steps, zeros(2, 2, 8, 8));
        using var withCond = net.Predict(x, steps, randn(2, 2, 8, 8));
        Assert.True(withNull.SameAs(withZeros));
        Assert.False(withNull.allclose(withCond));
    }

    [Fact]
    public void Unconditional_network_takes_the_state_alone()
    {
        torch.manual_seed(23);
        using var unet = new AdmUNet(TestNets.Small(inChannels: 1));
        using var net = new BridgeNetwork(unet, [0.1f, 500f, 1000f]);
        Assert.False(net.IsConditional);
        using var _ = no_grad();
        using var x = randn(1, 1, 8, 8);
        using var y = net.Predict(x, tensor(new long[] { 2 }), null);
        Assert.Equal([1L, 1, 8, 8], y.shape);
        Assert.Throws<ArgumentException>(() => net.Predict(x, tensor(new long[] { 2 }), zeros(1, 1, 8, 8)));
    }

    [Fact]
    public void Bad_steps_and_shapes_are_reported()
    {
        using var net = Conditional(24);
        using var x = zeros(2, 1, 8, 8);
        Assert.Contains("[0, 1000)", Assert.Throws<ArgumentException>(() => net.Predict(x, tensor(new long[] { 0, 1000 }), null)).Message);
        Assert.Contains("steps must have shape (2)", Assert.Throws<ArgumentException>(() => net.Predict(x, tensor(new long[] { 1 }), null)).Message);
        Assert.Contains("cond must be (2, 2, 8, 8)", Assert.Throws<ArgumentException>(() => net.Predict(x, tensor(new long[] { 1, 2 }), zeros(2, 5, 8, 8))).Message);
        Assert.Throws<ArgumentException>(() => new BridgeNetwork(new AdmUNet(TestNets.Small(inChannels: 1, outChannels: 2)), [1f]));
    }

    [Fact]
    public void State_dict_uses_the_reference_wrapper_names_and_loads_the_golden_weights()
    {
        var c = TestNets.TinyCase;
        using var net = new BridgeNetwork(new AdmUNet(TestNets.TinyOptions), GoldenNoiseLevels());
        Assert.All(net.state_dict().Keys, k => Assert.StartsWith("diffusion_model.", k));
        net.LoadPyTorchStateDict(Golden.PathOf(c.GetProperty("state_dict").GetString()!));
        net.eval();
        using var reference = TestNets.LoadTiny();
        using var _ = no_grad();
        using var x = randn(1, 1, 16, 16);
        using var cond = randn(1, 5, 16, 16);
        using var y = net.Predict(x, tensor(new long[] { 300 }), cond);
        using var expected = reference.call(cat([x, cond], 1), tensor(new[] { net.NoiseLevel(300) }));
        Assert.True(y.SameAs(expected));
    }
}

using Seismic.Diffusion.Runtime;
using Seismic.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Seismic.Models.Tests.Bridge;

/// <summary>
/// bfloat16 computation through a <see cref="LowPrecisionCopy"/>: outputs and gradients against float32. bfloat16 keeps
/// 8 significant bits, so a single rounding is off by up to 2^-9 (0.2 %) of the value; through a U-Net's ~30 layers,
/// each with its own roundings that mostly cancel, the measured error of outputs and gradients is about 1 % of their
/// scale. The bounds below (4 %) hold that with margin and still fail for a wrong kernel, a dropped layer or gradients
/// that are not accumulated (errors of 15-100 %).
/// </summary>
[Collection("torch")]
public sealed class LowPrecisionCopyTests(ITestOutputHelper output)
{
    private const double Bound = 4e-2;
    private static readonly PrecisionChoice Bf16 = new(Precision.Bf16, "test");

    private static BridgeNetwork Network(long seed)
    {
        var options = TestNets.Small(inChannels: 3);
        manual_seed(seed);
        var net = new BridgeNetwork(new AdmUNet(options), Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), stateChannels: 1);
        TestNets.Randomise(net, seed);
        return net;
    }

    private static double Relative(Tensor a, Tensor b) => (a - b).norm().item<float>() / b.norm().item<float>();

    [Fact]
    public void The_working_copy_computes_in_bfloat16_and_returns_float32_close_to_the_master()
    {
        using var master = Network(1);
        using var copy = new LowPrecisionCopy(master, Bf16);
        Assert.All(copy.Working.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        Assert.All(master.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));

        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        var xn = randn([4, 1, 16, 16], generator: gen);
        var cond = randn([4, 2, 16, 16], generator: gen);
        var steps = tensor(new long[] { 0, 5, 10, 19 });
        master.eval();
        copy.PullWeights();
        using var _ = no_grad();
        var expected = master.Predict(xn, steps, cond);
        var got = copy.Working.Predict(xn, steps, cond);
        Assert.Equal(ScalarType.Float32, got.dtype);
        Assert.True(got.isfinite().all().item<bool>(), "the pushed gradients are not finite");
        double error = Relative(got, expected);
        output.WriteLine($"output relative L2 error {error:E2}");
        Assert.True(error <= Bound, $"bfloat16 output off by {error:P2} of float32's");
        Assert.True(error > 0, "the copy computed in float32"); // bfloat16 rounding must show
    }

    [Fact]
    public void Gradients_pushed_to_the_master_match_float32_gradients_and_add_up_over_microbatches()
    {
        using var master = Network(2);
        using var reference = Network(2);
        using var copy = new LowPrecisionCopy(master, Bf16);
        master.train();
        reference.train();

        var gen = new Generator(3);
        var batches = Enumerable.Range(0, 2).Select(_ => (Xn: randn([2, 1, 16, 16], generator: gen), Cond: randn([2, 2, 16, 16], generator: gen),
            Label: randn([2, 1, 16, 16], generator: gen), Steps: randint(0, 20, [2], generator: gen))).ToList();
        copy.PullWeights();
        foreach (var b in batches)
        {
            using var scope = NewDisposeScope();
            nn.functional.mse_loss(copy.Working.Predict(b.Xn, b.Steps, b.Cond), b.Label).backward();
            copy.PushGradients();
            nn.functional.mse_loss(reference.Predict(b.Xn, b.Steps, b.Cond), b.Label).backward();
        }

        Assert.All(copy.Working.parameters(), p => Assert.True(p.grad is null || p.grad.abs().max().to_type(ScalarType.Float32).item<float>() == 0, "the copy's gradients were not cleared"));
        using var got = cat(master.parameters().Select(p => p.grad!.flatten()).ToArray());
        using var expected = cat(reference.parameters().Select(p => p.grad!.flatten()).ToArray());
        Assert.Equal(ScalarType.Float32, got.dtype);
        Assert.True(got.isfinite().all().item<bool>(), "the pushed gradients are not finite");
        double error = Relative(got, expected);
        output.WriteLine($"gradient relative L2 error {error:E2}");
        Assert.True(error <= Bound, $"bfloat16 gradients off by {error:P2} of float32's");
        foreach (var b in batches) { b.Xn.Dispose(); b.Cond.Dispose(); b.Label.Dispose(); b.Steps.Dispose(); }
    }

    [Fact]
    public void Pulling_rounds_the_master_weights_and_leaves_them_float32()
    {
        using var master = Network(4);
        var before = master.parameters().Select(p => p.detach().clone()).ToList();
        using var copy = new LowPrecisionCopy(master, Bf16);
        foreach (var (w, p) in copy.Working.parameters().Zip(master.parameters()))
            Assert.True(w.SameAs(p.to_type(ScalarType.BFloat16)));
        Assert.All(master.parameters().Zip(before), x => Assert.True(x.First.SameAs(x.Second)));
        Assert.Throws<ArgumentException>(() => new LowPrecisionCopy(master, new PrecisionChoice(Precision.Fp32, "test")));
    }

    [Fact]
    public void Resolution_says_what_auto_gives_here_and_refuses_fp16_without_cuda()
    {
        var auto = PrecisionChoice.Resolve(Precision.Auto, CPU);
        Assert.Equal(PrecisionChoice.CpuHasNativeBf16 ? Precision.Bf16 : Precision.Fp32, auto.Precision);
        Assert.Contains("bfloat16", auto.Reason);
        Assert.Equal(ScalarType.BFloat16, PrecisionChoice.Resolve(Precision.Bf16, CPU).ScalarType);
        var e = Assert.Throws<ArgumentException>(() => PrecisionChoice.Resolve(Precision.Fp16, CPU));
        Assert.Contains("CUDA", e.Message);
    }
}

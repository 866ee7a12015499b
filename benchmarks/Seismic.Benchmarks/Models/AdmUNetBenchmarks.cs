using BenchmarkDotNet.Attributes;
using Seismic.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Benchmarks.Models;

/// <summary>
/// ADM U-Net on the CPU, batch 8: one forward pass (eval, no_grad) and one training step (forward, MSE loss,
/// backward, AdamW). In-process (TorchSharp's native libraries are resolved for this process) and short (a U-Net step
/// takes up to a second on 2 cores): run with <c>--filter '*AdmUNet*'</c> and no <c>--job</c> (see <see cref="TorchBenchmarkConfig"/>).
/// </summary>
[Config(typeof(TorchBenchmarkConfig))]
public class AdmUNetBenchmarks
{
    private AdmUNet? _net;
    private Tensor? _x;
    private Tensor? _t;
    private Tensor? _target;
    private optim.Optimizer? _adam;

    /// <summary>Preset name.</summary>
    [Params("i2sb_small_cond", "unet_ch32")]
    public string Preset { get; set; } = "i2sb_small_cond";

    /// <summary>Image size S (S x S).</summary>
    [Params(32, 64)]
    public int Size { get; set; } = 64;

    /// <summary>Batch size.</summary>
    public const int Batch = 8;

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        _net = new AdmUNet(ModelPreset.Parse(Preset).Network);
        int inCh = _net.Options.InChannels;
        _x = randn(Batch, inCh, Size, Size);
        _t = rand(Batch) * 1000;
        _target = randn(Batch, _net.Options.OutChannels, Size, Size);
        _adam = optim.AdamW(_net.parameters(), lr: 5e-5, weight_decay: 0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _net?.Dispose();
        _x?.Dispose();
        _t?.Dispose();
        _target?.Dispose();
    }

    [Benchmark]
    public float Forward()
    {
        _net!.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return _net.call(_x!, _t!).mean().item<float>();
    }

    [Benchmark]
    public float TrainStep()
    {
        _net!.train();
        using var scope = NewDisposeScope();
        _adam!.zero_grad();
        var loss = nn.functional.mse_loss(_net.call(_x!, _t!), _target!);
        loss.backward();
        _adam.step();
        return loss.item<float>();
    }
}

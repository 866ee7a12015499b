using BenchmarkDotNet.Attributes;
using Seismic.Diffusion.Sampling;
using Seismic.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Benchmarks.Diffusion;

/// <summary>
/// Sampling with the real network (i2sb_small_cond, batch 8, 64 x 64, weights randomised so every path works): one
/// sampling step (NFE = 1) and a whole NFE = 50 sampling of the batch. The sampler's overhead over the bare network
/// calls is measured side by side by <c>Seismic.Benchmarks sampling-overhead</c> (docs/benchmarks.md).
/// </summary>
[Config(typeof(TorchBenchmarkConfig))]
public class BridgeSamplingBenchmarks
{
    private BridgeModel? _model;
    private BridgeSampler? _oneStep, _nfe50;
    private Tensor? _x1, _cond;
    private Generator? _generator;

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        _model = BridgeModel.Create(new ModelSpec { Network = ModelPreset.I2sbSmallCond.Network, ImageSize = 64 }, CPU, initSeed: 0);
        using (no_grad())
            foreach (var p in _model.Network.parameters())
                if (p.abs().sum().item<float>() == 0) p.normal_(0, 0.02);
        _model.Network.eval();
        _oneStep = new BridgeSampler(_model.Bridge, _model.Network, new SamplerOptions { Nfe = 1 });
        _nfe50 = new BridgeSampler(_model.Bridge, _model.Network, new SamplerOptions { Nfe = 50 });
        _generator = new Generator(0);
        _x1 = torch.rand(8, 1, 64, 64, generator: _generator) * 2 - 1;
        _cond = torch.rand(8, 5, 64, 64, generator: _generator) * 2 - 1;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _x1?.Dispose();
        _cond?.Dispose();
        _generator?.Dispose();
        _model?.Dispose();
    }

    /// <summary>One network call, x0 recovery and posterior step (NFE = 1).</summary>
    [Benchmark]
    public int OneStep()
    {
        using var result = _oneStep!.Sample(_x1!, _cond, _generator);
        return result.NetworkCalls;
    }

    /// <summary>A whole NFE = 50 ancestral sampling of the batch.</summary>
    [Benchmark]
    public int Nfe50()
    {
        using var result = _nfe50!.Sample(_x1!, _cond, _generator);
        return result.NetworkCalls;
    }
}

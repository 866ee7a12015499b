using BenchmarkDotNet.Attributes;
using Seismic.Models;
using TorchSharp;

namespace Seismic.Benchmarks.Models;

/// <summary>One EMA update (shadow = decay * shadow + (1 - decay) * parameter, every parameter) of a U-Net.</summary>
[Config(typeof(TorchBenchmarkConfig))]
[MemoryDiagnoser]
public class EmaBenchmarks
{
    private AdmUNet? _net;
    private Ema? _ema;

    /// <summary>Preset name (0.95 M or 15.9 M parameters).</summary>
    [Params("i2sb_small_cond", "unet_ch32")]
    public string Preset { get; set; } = "i2sb_small_cond";

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        _net = new AdmUNet(ModelPreset.Parse(Preset).Network);
        _ema = new Ema(_net, 0.99);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ema?.Dispose();
        _net?.Dispose();
    }

    [Benchmark]
    public long Update()
    {
        _ema!.Update();
        return _ema.UpdateCount;
    }
}

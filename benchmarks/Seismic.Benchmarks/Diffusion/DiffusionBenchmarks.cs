using BenchmarkDotNet.Attributes;
using Seismic.Diffusion;
using Seismic.Diffusion.Corruption;
using Seismic.Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Benchmarks.Diffusion;

/// <summary>
/// The diffusion machinery without a real network, at batch 8 and 64 x 64: one sampling step (network call, x0
/// recovery, posterior with noise) and the corruption blur. Run with
/// <c>dotnet run -c Release --project benchmarks/Seismic.Benchmarks -- --filter '*DiffusionBenchmarks*' --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class DiffusionBenchmarks
{
    private Bridge? _bridge;
    private BridgeSampler? _oneStep;
    private Tensor? _x1, _cond, _x0;
    private Generator? _generator;
    private GaussianMixtureBlur? _benchmarkBlur, _customBlur;

    /// <summary>A trivial network so the benchmark measures the sampler's own overhead.</summary>
    private sealed class ScaleNetwork : IBridgeNetwork
    {
        public Tensor Predict(Tensor xn, Tensor steps, Tensor? cond) => xn * 0.5;
    }

    [GlobalSetup]
    public void Setup()
    {
        _bridge = new Bridge();
        _oneStep = new BridgeSampler(_bridge, new ScaleNetwork(), new SamplerOptions { Nfe = 1 });
        _generator = new Generator(0);
        _x1 = torch.rand(8, 1, 64, 64, generator: _generator) * 2 - 1;
        _cond = torch.rand(8, 5, 64, 64, generator: _generator) * 2 - 1;
        _x0 = torch.rand(8, 1, 64, 64, generator: _generator) * 2 - 1;
        _benchmarkBlur = CorruptionPreset.OpenFwiBenchmark.Create();
        _customBlur = CorruptionPreset.OpenFwiCustom.Create();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _x1?.Dispose();
        _cond?.Dispose();
        _x0?.Dispose();
        _generator?.Dispose();
        _bridge?.Dispose();
    }

    /// <summary>One SDE step 999 -&gt; 0 with the trivial network, (8, 1, 64, 64).</summary>
    [Benchmark]
    public float SamplingStep()
    {
        using var result = _oneStep!.Sample(_x1!, _cond, _generator);
        return result.NetworkCalls;
    }

    /// <summary>One posterior step with noise (n' &gt; 0), (8, 1, 64, 64).</summary>
    [Benchmark]
    public long PosteriorStep()
    {
        using var scope = NewDisposeScope();
        var x = _bridge!.PosteriorStep(500, 501, _x1!, _x0!, _generator);
        return x.shape[0];
    }

    /// <summary><c>blur-openfwi_benchmark</c> (sigma 9, no noise) on (8, 1, 64, 64).</summary>
    [Benchmark]
    public long BlurSigma9()
    {
        using var y = _benchmarkBlur!.Apply(_x0!, _generator);
        return y.shape[0];
    }

    /// <summary><c>blur-openfwi_custom</c> (sigma 8-24, noise) on (8, 1, 64, 64).</summary>
    [Benchmark]
    public long BlurCustom()
    {
        using var y = _customBlur!.Apply(_x0!, _generator);
        return y.shape[0];
    }
}

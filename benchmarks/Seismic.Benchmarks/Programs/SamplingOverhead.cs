using Seismic.Diffusion.Sampling;
using Seismic.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Benchmarks.Programs;

/// <summary>
/// Sampling overhead: a whole NFE-step <see cref="BridgeSampler"/> run of a batch versus the same number of raw
/// <see cref="BridgeNetwork.Predict"/> calls on the same inputs, alternated A B A B. Goal: overhead at most 5%.
/// </summary>
/// <remarks>Usage: <c>sampling-overhead [--rounds 5] [--nfe 50] [--batch 8] [--size 64] [--threads 2]</c> (preset i2sb_small_cond).</remarks>
internal static class SamplingOverhead
{
    public static int Run(string[] args)
    {
        int rounds = Measure.Option(args, "--rounds", 5), nfe = Measure.Option(args, "--nfe", 50);
        int batch = Measure.Option(args, "--batch", 8), size = Measure.Option(args, "--size", 64);
        torch.set_num_threads(Measure.Option(args, "--threads", 2));
        using var model = BridgeModel.Create(new ModelSpec { Network = ModelPreset.I2sbSmallCond.Network, ImageSize = size }, CPU, initSeed: 0);
        var network = model.Network;
        network.eval();
        // Non-zero output weights so the network does real work on every path (a fresh net's head outputs zeros).
        using (no_grad())
            foreach (var p in network.parameters())
                if (p.abs().sum().item<float>() == 0) p.normal_(0, 0.02);

        using var generator = new Generator(0);
        using var x1 = rand(batch, 1, size, size, generator: generator) * 2 - 1;
        using var cond = rand(batch, 5, size, size, generator: generator) * 2 - 1;
        var sampler = new BridgeSampler(model.Bridge, network, new SamplerOptions { Nfe = nfe });
        var steps = sampler.Steps;

        // Per-step times too: on a shared machine the fastest steps are the least disturbed, so per-step minima and
        // medians compare the two loops more robustly than whole runs.
        var samplerSteps = new List<double>();
        var rawCalls = new List<double>();
        double SampleOnce()
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            double last = 0;
            using var result = sampler.Sample(x1, cond, generator, (_, _) =>
            {
                double now = clock.Elapsed.TotalSeconds;
                samplerSteps.Add(now - last);
                last = now;
            });
            return clock.Elapsed.TotalSeconds;
        }
        double RawOnce() => Measure.Seconds(() =>
        {
            using var _ = no_grad();
            for (int k = nfe; k >= 1; k--)
            {
                rawCalls.Add(Measure.Seconds(() =>
                {
                    using var scope = NewDisposeScope();
                    network.Predict(x1, full(batch, steps[k], dtype: ScalarType.Int64), cond);
                }));
            }
        });

        Console.WriteLine($"sampling overhead: i2sb_small_cond, batch {batch}, {size}x{size}, NFE {nfe}, {torch.get_num_threads()} threads, load before {Measure.LoadAverage()}");
        SampleOnce(); RawOnce(); // warm-up
        samplerSteps.Clear();
        rawCalls.Clear();
        var sample = new List<double>();
        var raw = new List<double>();
        var ratios = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            // Alternate which goes first so that a drifting background load hits both alike.
            double a, b;
            if (r % 2 == 0) { a = SampleOnce(); b = RawOnce(); }
            else { b = RawOnce(); a = SampleOnce(); }
            sample.Add(a);
            raw.Add(b);
            ratios.Add(a / b);
            Console.WriteLine($"  round {r + 1}: sampler {a:F3} s, {nfe} raw calls {b:F3} s, ratio {a / b:F3}");
        }
        Console.WriteLine($"sampler (s):    {Measure.Spread(sample)}");
        Console.WriteLine($"raw calls (s):  {Measure.Spread(raw)}");
        Console.WriteLine($"sampler / raw:  {Measure.Spread(ratios)}  (whole runs; goal <= 1.05)");
        Console.WriteLine($"per step (ms): sampler {Measure.Spread(samplerSteps.Select(v => v * 1000).ToList(), "F1")}; raw call {Measure.Spread(rawCalls.Select(v => v * 1000).ToList(), "F1")}");
        double Median(List<double> v) { var o = v.Order().ToArray(); return o[o.Length / 2]; }
        Console.WriteLine($"per step sampler / raw: min-to-min {samplerSteps.Min() / rawCalls.Min():F3}, median-to-median {Median(samplerSteps) / Median(rawCalls):F3}");
        Console.WriteLine($"load after {Measure.LoadAverage()}");
        return 0;
    }
}

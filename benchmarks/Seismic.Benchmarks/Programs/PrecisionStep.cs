using System.Globalization;
using Seismic.Diffusion.Runtime;
using Seismic.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Benchmarks.Programs;

/// <summary>
/// The network step alone (forward, MSE, backward; for bf16 also rounding the weights in and the gradients out), fp32
/// versus bf16, alternated in one process: where the time of a bf16 training iteration goes.
/// Usage: precision-step [--variants fp32,bf16] [--rounds 5] [--batch 16] [--size 64] [--preset unet_ch32]
/// </summary>
internal static class PrecisionStep
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var variants = Arg("--variants", "fp32,bf16").Split(',');
        int rounds = int.Parse(Arg("--rounds", "5"), CultureInfo.InvariantCulture);
        int batch = int.Parse(Arg("--batch", "16"), CultureInfo.InvariantCulture);
        int size = int.Parse(Arg("--size", "64"), CultureInfo.InvariantCulture);
        var preset = ModelPreset.Parse(Arg("--preset", "unet_ch32"));

        torch.manual_seed(1);
        var master = new BridgeNetwork(new AdmUNet(preset.Network), Enumerable.Range(0, 1000).Select(i => (float)i).ToArray());
        master.train();
        using var copy = new LowPrecisionCopy(master, new PrecisionChoice(Precision.Bf16, "measured"));
        int cond = preset.Network.InChannels - 1;
        var xn = randn(batch, 1, size, size);
        var c = randn(batch, cond, size, size);
        var target = randn(batch, 1, size, size);
        var steps = randint(0, 1000, [batch]);

        double Step(string variant)
        {
            return Measure.Seconds(() =>
            {
                using var scope = NewDisposeScope();
                if (variant == "fp32")
                {
                    var loss = nn.functional.mse_loss(master.Predict(xn, steps, c), target);
                    loss.backward();
                    return;
                }
                copy.PullWeights();
                var l = nn.functional.mse_loss(copy.Working.Predict(xn, steps, c), target);
                l.backward();
                copy.PushGradients();
            });
        }

        Console.WriteLine($"precision-step {preset.Name} batch {batch} size {size}, {torch.get_num_threads()} threads, load {Measure.LoadAverage()}");
        foreach (var v in variants) { Step(v); Step(v); } // warm up: oneDNN builds its kernels on first use
        var times = variants.ToDictionary(v => v, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
            foreach (var v in variants)
                times[v].Add(Step(v));
        foreach (var v in variants)
            Console.WriteLine($"{v,-8} s/step: {Measure.Spread(times[v])}   ({string.Join(' ', times[v].Select(t => t.ToString("F3", CultureInfo.InvariantCulture)))})");
        Console.WriteLine($"load {Measure.LoadAverage()}");

        // The rest of an iteration, on the float32 master: AdamW, the EMA, and the copy's pull and push.
        using var ema = new Ema(master);
        using var adamw = optim.AdamW(master.parameters(), lr: 5e-4, beta1: 0.9, beta2: 0.999, weight_decay: 0);
        var phases = new (string Name, Action Run)[]
        {
            ("adamw", () => adamw.step()),
            ("ema", () => ema.Update()),
            ("pull", () => copy.PullWeights()),
            ("push", () => copy.PushGradients()),
        };
        foreach (var (name, run) in phases)
        {
            var t = Enumerable.Range(0, rounds + 1).Select(_ => Measure.Seconds(run)).Skip(1).ToList();
            Console.WriteLine($"{name,-8} s: {Measure.Spread(t)}");
        }
        return 0;
    }
}

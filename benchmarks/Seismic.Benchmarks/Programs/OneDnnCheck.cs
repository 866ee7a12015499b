using Seismic.Diffusion.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Benchmarks.Programs;

/// <summary>
/// Checks libtorch's oneDNN convolution on this CPU (docs/troubleshooting.md): the input gradient of a 3x3
/// convolution from 16 channels to fewer, with oneDNN on versus off, and a finite difference that says which of the
/// two is right; then the forward speed of both paths. The library keeps oneDNN off for gradients when this fails.
/// </summary>
/// <remarks>Usage: <c>onednn-check [--repeats 10] [--threads 2]</c>.</remarks>
internal static class OneDnnCheck
{
    public static int Run(string[] args)
    {
        int repeats = Measure.Option(args, "--repeats", 10);
        torch.set_num_threads(Measure.Option(args, "--threads", 2));
        torch.manual_seed(1);
        Console.WriteLine($"oneDNN switched off for gradients by the library: {TorchRuntime.OneDnnDisabled}");
        Console.WriteLine("conv2d 16 -> C (3x3, padding 1), input gradient, oneDNN on vs off:");
        int failing = 0, total = 0;
        foreach (int channels in new[] { 1, 2, 4, 8, 16 })
        foreach (int batch in new[] { 2, 4 })
        foreach (int size in new[] { 16, 32, 64 })
        {
            int wrong = 0, nonFinite = 0;
            double worst = 0, fdOff = double.NaN, fdOn = double.NaN;
            for (int r = 0; r < repeats; r++)
            {
                using var scope = NewDisposeScope();
                var conv = nn.Conv2d(16, channels, 3, padding: 1);
                var x = randn(batch, 16, size, size);
                var weight = randn(batch, channels, size, size);
                var off = InputGradient(conv, x, weight, oneDnn: false);
                var on = InputGradient(conv, x, weight, oneDnn: true);
                double error = RelativeError(on, off);
                worst = Math.Max(worst, error);
                if (error <= 1e-4) continue;
                wrong++;
                // The loss is linear in x, so a central difference along (off - on) is exact up to rounding.
                if (!on.isfinite().all().item<bool>()) { nonFinite++; continue; }
                var direction = off - on;
                direction /= direction.norm();
                double eps = 1e-2;
                double finite = (Loss(conv, x + eps * direction, weight) - Loss(conv, x - eps * direction, weight)) / (2 * eps);
                fdOff = Math.Abs((off * direction).sum().item<float>() - finite);
                fdOn = Math.Abs((on * direction).sum().item<float>() - finite);
            }
            total++;
            if (wrong > 0) failing++;
            string verdict = wrong == 0 ? "agree"
                : double.IsNaN(fdOn) ? "oneDNN gave NaN/Inf"
                : fdOff < fdOn ? $"oneDNN wrong (error against a finite difference: native {fdOff:E1}, oneDNN {fdOn:E1})"
                : $"native wrong (error against a finite difference: native {fdOff:E1}, oneDNN {fdOn:E1})";
            Console.WriteLine($"  C {channels,2}  batch {batch}  {size,2}x{size,-2}: {wrong,2}/{repeats} differ ({nonFinite} NaN/Inf), worst relative error {worst:E1}  {verdict}");
        }
        Console.WriteLine(failing == 0
            ? "oneDNN's convolution backward agrees with the native one on this CPU."
            : $"oneDNN's convolution backward is wrong on this CPU for {failing} of {total} shapes: keep it off for gradients (the default).");
        CompareForwardSpeed();
        return 0;
    }

    private static Tensor InputGradient(nn.Module<Tensor, Tensor> conv, Tensor x, Tensor weight, bool oneDnn)
    {
        using var kernels = oneDnn ? TorchRuntime.InferenceKernels() : null;
        var input = x.detach().requires_grad_(true);
        (conv.call(input) * weight).sum().backward();
        return input.grad!.detach().clone();
    }

    private static double Loss(nn.Module<Tensor, Tensor> conv, Tensor x, Tensor weight)
    {
        using var noGrad = no_grad();
        return (conv.call(x) * weight).sum().item<float>();
    }

    private static double RelativeError(Tensor a, Tensor b)
    {
        double error = (a - b).abs().max().item<float>() / (b.abs().max().item<float>() + 1e-12);
        return double.IsFinite(error) ? error : double.PositiveInfinity;
    }

    private static void CompareForwardSpeed()
    {
        Console.WriteLine("forward (no_grad), batch 8, best of 5 (ms): native / oneDNN");
        foreach (var (channels, size) in new[] { (64, 64), (128, 32), (256, 16) })
        {
            using var scope = NewDisposeScope();
            var conv = nn.Conv2d(channels, channels, 3, padding: 1);
            var x = randn(8, channels, size, size);
            double Best(bool oneDnn)
            {
                using var kernels = oneDnn ? TorchRuntime.InferenceKernels() : null;
                using var noGrad = no_grad();
                return Enumerable.Range(0, 5).Min(_ =>
                {
                    using var inner = NewDisposeScope();
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    conv.call(x).sum().item<float>();
                    return clock.Elapsed.TotalMilliseconds;
                });
            }
            double native = Best(false), oneDnn = Best(true);
            Console.WriteLine($"  {channels,3} channels {size,2}x{size,-2}: {native,7:F1} / {oneDnn,6:F1}  ({native / oneDnn:F1}x)");
        }
    }
}

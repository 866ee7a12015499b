using Seismic.Diffusion.Runtime;
using Seismic.Models;
using Seismic.Models.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Benchmarks.Programs;

/// <summary>
/// Checks libtorch's oneDNN convolution on this CPU (docs/troubleshooting.md): the input gradients of 3x3 convolutions
/// from 16 channels to fewer, plain and block-aligned (as the models use them), then whole U-Net gradients, each
/// with oneDNN on versus off; then the forward speed of both paths.
/// </summary>
/// <remarks>Usage: <c>onednn-check [--repeats 3] [--threads 2]</c>.</remarks>
internal static class OneDnnCheck
{
    public static int Run(string[] args)
    {
        int repeats = Measure.Option(args, "--repeats", 3);
        torch.set_num_threads(Measure.Option(args, "--threads", 2));
        Console.WriteLine($"oneDNN on: {TorchRuntime.OneDnnEnabled}");
        var kernels = ConvolutionKernelCheck.Run(repeats);
        Console.WriteLine($"conv2d 16 -> 1, 2, 4, 8 input gradients, oneDNN vs native, worst relative error: plain {kernels.PlainConvolutionError:E1}" +
                          $" ({(kernels.CpuNeedsFix ? "WRONG: this CPU needs the models' fix" : "right")}), block-aligned {kernels.BlockAlignedError:E1} ({(kernels.ModelsCorrect ? "right" : "WRONG")})");
        bool networksRight = true;
        foreach (var preset in new[] { "unet_ch32", "i2sb_small_cond" })
        foreach (int batch in new[] { 2, 8 })
        {
            var errors = Enumerable.Range(0, repeats).Select(r => ConvolutionKernelCheck.CompareNetwork(ModelPreset.Parse(preset).Network, batch, 32, seed: r)).ToArray();
            networksRight &= errors.All(e => e <= 1e-4);
            Console.WriteLine($"  {preset,-16} batch {batch}, 32 x 32: relative gradient difference {string.Join(", ", errors.Select(e => e.ToString("E1")))}");
        }
        Console.WriteLine(networksRight ? "whole-network gradients with oneDNN agree with the native kernels." : "whole-network gradients with oneDNN DISAGREE: report this CPU (lscpu) and this output.");
        CompareForwardSpeed();
        return networksRight && kernels.ModelsCorrect ? 0 : 1;
    }

    private static void CompareForwardSpeed()
    {
        Console.WriteLine("forward (no_grad), batch 8, best of 5 (ms): native / oneDNN");
        var before = TorchRuntime.Kernels;
        foreach (var (channels, size) in new[] { (64, 64), (128, 32), (256, 16) })
        {
            using var scope = NewDisposeScope();
            var conv = nn.Conv2d(channels, channels, 3, padding: 1);
            var x = randn(8, channels, size, size);
            double Best(bool oneDnn)
            {
                TorchRuntime.ConfigureKernels(TorchRuntime.Kernels with { OneDnn = oneDnn });
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
        TorchRuntime.ConfigureKernels(before);
    }
}

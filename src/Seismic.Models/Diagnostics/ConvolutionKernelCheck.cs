using Seismic.Data;
using Seismic.Diffusion.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Models.Diagnostics;

/// <summary>
/// Checks libtorch's oneDNN convolution on this CPU (docs/troubleshooting.md): input gradients of 3x3 convolutions
/// of the shapes oneDNN 3.7 mishandles on some CPUs (16 channels to 1, 2, 4 and 8; 24 to 16; 48 to 48 with stride 2),
/// computed with oneDNN on and with it off, for a plain convolution and for the models' block-aligned one. About a
/// second on 2 cores.
/// </summary>
public static class ConvolutionKernelCheck
{
    /// <summary>Relative error above which two gradients disagree.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>
    /// Runs the check. It switches oneDNN off and on again (process-wide, see <see cref="TorchRuntime.OneDnnEnabled"/>):
    /// do not run it while another thread trains. The previous switch and torch's seed state are not restored.
    /// </summary>
    /// <param name="repeats">Random draws per shape.</param>
    /// <param name="seed">Seed of the draws. The default value is 1.</param>
    /// <exception cref="PlatformNotSupportedException">oneDNN's switch is not reachable here (not x86-64 Linux).</exception>
    public static ConvolutionKernelCheckResult Run(int repeats = 1, Seed? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var before = TorchRuntime.Kernels;
        try
        {
            torch.manual_seed((seed ?? new Seed(1)).ToInt64());
            double plain = 0, aligned = 0;
            // Narrowing convolutions (16 -> 1-8), a wide input that is not whole blocks (24 -> 16) and a strided one
            // from an odd number of blocks (48 -> 48, stride 2).
            (int In, int Out, int Stride)[] shapes = [(16, 1, 1), (16, 2, 1), (16, 4, 1), (16, 8, 1), (24, 16, 1), (48, 48, 2)];
            foreach (var (cin, cout, stride) in shapes)
            for (int r = 0; r < repeats; r++)
            {
                using var scope = NewDisposeScope();
                var x = randn(2, cin, 16, 16);
                var upstream = randn(2, cout, 16 / stride, 16 / stride);
                var conv = nn.Conv2d(cin, cout, 3, stride: stride, padding: 1);
                var padded = new BlockAlignedConv2d(cin, cout, 3, stride, padding: 1);
                plain = Math.Max(plain, Disagreement(conv, x, upstream));
                aligned = Math.Max(aligned, Disagreement(padded, x, upstream));
            }
            return new ConvolutionKernelCheckResult(plain, aligned);
        }
        finally
        {
            TorchRuntime.ConfigureKernels(before);
        }
    }

    /// <summary>
    /// Compares the gradients of a whole U-Net (its input and every parameter) computed with oneDNN on, as shipped,
    /// and off. Parameters that the reference initialises to zero get small random values, so that every gradient is
    /// non-trivial. Switches oneDNN process-wide like <see cref="Run"/>.
    /// </summary>
    /// <param name="options">The network.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="imageSize">Height and width of the input.</param>
    /// <param name="seed">Seed of the weights and inputs.</param>
    /// <returns>
    /// The larger of the input gradient's element-wise relative difference (max |on - off| / max |off|) and the relative
    /// L2 difference of all parameter gradients together; infinite when a gradient is not finite.
    /// </returns>
    public static double CompareNetwork(AdmUNetOptions options, int batch, int imageSize, Seed seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        var before = TorchRuntime.Kernels;
        try
        {
            using var scope = NewDisposeScope();
            torch.manual_seed(seed.ToInt64());
            using var net = new AdmUNet(options);
            using (no_grad())
            {
                foreach (var p in net.parameters())
                    if (p.abs().max().item<float>() == 0) p.copy_(randn_like(p) * 0.02);
            }
            var x = randn(batch, options.InChannels, imageSize, imageSize);
            var t = randint(0, 1000, [batch]).to_type(ScalarType.Float32);
            var upstream = randn(batch, options.OutChannels, imageSize, imageSize);

            Tensor[] Gradients(bool oneDnn)
            {
                TorchRuntime.ConfigureKernels(TorchRuntime.Kernels with { OneDnn = oneDnn });
                net.zero_grad();
                var input = x.detach().requires_grad_(true);
                (net.call(input, t) * upstream).sum().backward();
                return [input.grad!.clone(), .. net.parameters().Select(p => p.grad!.clone())];
            }

            var shipped = Gradients(true);
            var native = Gradients(false);
            // The input gradient element-wise; the parameters as one vector (L2): some of their gradients are
            // mathematically zero (a convolution bias before a GroupNorm with one channel per group), so their
            // element-wise relative error measures rounding noise only. The oneDNN bug corrupts the gradient that flows
            // back through the network, so it shows in both numbers.
            double input = RelativeError(shipped[0], native[0]);
            var a = cat(shipped.Skip(1).Select(g => g.flatten()).ToArray());
            var b = cat(native.Skip(1).Select(g => g.flatten()).ToArray());
            double parameters = ((a - b).norm().item<float>() / (b.norm().item<float>() + 1e-12));
            return Math.Max(input, double.IsFinite(parameters) ? parameters : double.PositiveInfinity);
        }
        finally
        {
            TorchRuntime.ConfigureKernels(before);
        }
    }

    private static double RelativeError(Tensor a, Tensor b)
    {
        double error = (a - b).abs().max().item<float>() / (b.abs().max().item<float>() + 1e-12);
        return double.IsFinite(error) ? error : double.PositiveInfinity;
    }

    private static double Disagreement(nn.Module<Tensor, Tensor> conv, Tensor x, Tensor upstream)
    {
        TorchRuntime.ConfigureKernels(TorchRuntime.Kernels with { OneDnn = true });
        var withOneDnn = InputGradient(conv, x, upstream);
        TorchRuntime.ConfigureKernels(TorchRuntime.Kernels with { OneDnn = false });
        var native = InputGradient(conv, x, upstream);
        return RelativeError(withOneDnn, native);
    }

    private static Tensor InputGradient(nn.Module<Tensor, Tensor> conv, Tensor x, Tensor upstream)
    {
        var input = x.detach().requires_grad_(true);
        (conv.call(input) * upstream).sum().backward();
        return input.grad!.detach().clone();
    }
}

/// <summary>The outcome of <see cref="ConvolutionKernelCheck.Run"/>: worst relative differences, oneDNN versus native.</summary>
/// <param name="PlainConvolutionError">For a plain convolution of the checked shapes: large on CPUs that need the models' fix.</param>
/// <param name="BlockAlignedError">For the block-aligned convolution the models use: small on every CPU.</param>
public sealed record ConvolutionKernelCheckResult(double PlainConvolutionError, double BlockAlignedError)
{
    /// <summary>Whether oneDNN's plain convolution gradients are wrong on this CPU (the models' fix is needed here).</summary>
    public bool CpuNeedsFix => !(PlainConvolutionError <= ConvolutionKernelCheck.Tolerance);

    /// <summary>Whether the models' convolutions get correct gradients with oneDNN on this CPU.</summary>
    public bool ModelsCorrect => BlockAlignedError <= ConvolutionKernelCheck.Tolerance;
}

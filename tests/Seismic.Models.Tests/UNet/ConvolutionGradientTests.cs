using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Models.Tests.UNet;

/// <summary>
/// Guards the oneDNN work-around (TorchRuntime switches libtorch's oneDNN CPU kernels off): without it, libtorch 2.10 on
/// an AVX-512 CPU returned NaN input gradients from conv2d backward for these shapes (first call per shape, 2 threads).
/// </summary>
[Collection("torch")]
public class ConvolutionGradientTests
{
    [Fact]
    public void Conv2d_input_gradients_are_finite()
    {
        Seismic.Diffusion.Runtime.TorchRuntime.EnsureAvailable();
        foreach (var (cin, cout, size) in new[] { (32, 1, 8), (16, 4, 8), (32, 1, 9), (16, 2, 16), (32, 1, 64) })
        {
            torch.manual_seed(5);
            using var conv = nn.Conv2d(cin, cout, 3, padding: 1);
            using var s = randn(2, cin, size, size).requires_grad_(true);
            using var loss = conv.call(s).square().mean();
            loss.backward();
            Assert.False(s.grad!.isnan().any().item<bool>(), $"NaN input gradient for conv {cin}->{cout} at {size}x{size}");
        }
    }
}

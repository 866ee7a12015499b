using Seismic.Diffusion.Runtime;
using Seismic.Models.Diagnostics;
using TorchSharp;

namespace Seismic.Models.Tests.Diagnostics;

/// <summary>
/// Whole-network gradients with oneDNN on (as shipped) agree with libtorch's native kernels. On CPUs where oneDNN's
/// convolution backward is wrong for output channels that are not a multiple of 16, this fails without the models'
/// block-aligned convolution (docs/troubleshooting.md).
/// </summary>
[Collection("torch")]
public sealed class OneDnnGradientTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var preset in new[] { "unet_ch32", "i2sb_small_cond" })
        foreach (int batch in new[] { 2, 8 })
        foreach (int threads in new[] { 1, 2 })
            data.Add(preset, batch, threads);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Network_gradients_with_onednn_match_the_native_kernels(string preset, int batch, int threads)
    {
        TorchRuntime.EnsureAvailable();
        if (!TorchRuntime.OneDnnEnabled) return; // started with SEISMIC_I2SB_ONEDNN=0, or no oneDNN switch on this platform
        int previousThreads = torch.get_num_threads();
        torch.set_num_threads(threads);
        try
        {
            for (int repeat = 0; repeat < 3; repeat++)
            {
                // unet_ch32 at 8 x 8 still reaches its deepest level (1 x 1); the bug depends on channel counts, not on image size.
                int imageSize = preset == "unet_ch32" ? 8 : 16;
                double error = ConvolutionKernelCheck.CompareNetwork(ModelPreset.Parse(preset).Network, batch, imageSize, seed: 100 + repeat);
                Assert.True(error <= 1e-4, $"{preset}, batch {batch}, {threads} thread(s), repeat {repeat}: relative gradient difference {error:E2}");
            }
        }
        finally
        {
            torch.set_num_threads(previousThreads);
        }
    }

    [Fact]
    public void A_network_with_widths_that_are_not_whole_channel_blocks_gets_the_native_gradients()
    {
        // Widths 24, 48 and 72: skip concatenations of 48 + 24 = 72 channels (forward and gradients wrong on some CPUs
        // unless padded) and a strided downsampling from 48 channels (input gradients wrong).
        TorchRuntime.EnsureAvailable();
        if (!TorchRuntime.OneDnnEnabled) return;
        var options = new AdmUNetOptions { ModelChannels = 24, ChannelMult = [1, 2, 3], AttentionResolutions = [], GroupNormGroups = 8 };
        double error = ConvolutionKernelCheck.CompareNetwork(options, batch: 2, imageSize: 16, seed: 5);
        Assert.True(error <= 1e-4, $"relative gradient difference {error:E2}");
    }

    [Fact]
    public void The_kernel_check_finds_the_models_convolutions_correct()
    {
        TorchRuntime.EnsureAvailable();
        if (!TorchRuntime.OneDnnEnabled) return;
        var result = ConvolutionKernelCheck.Run();
        Assert.True(result.ModelsCorrect, $"block-aligned convolution: relative gradient difference {result.BlockAlignedError:E2}");
        Assert.True(TorchRuntime.OneDnnEnabled); // the check restores the switch
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seismic.Models;

/// <summary>
/// A 2-D convolution (same parameters, names and initialisation as <c>nn.Conv2d</c>) that on the CPU computes with a
/// whole number of 16-filter blocks: zero filters pad the output channels up to a multiple of 16 and the result is
/// sliced back. libtorch 2.10's oneDNN (v3.7) gives wrong input gradients, and a wrong transposed-convolution
/// forward, when the output channels are not a multiple of its channel block (8 with AVX2, 16 with AVX-512) on some
/// CPUs (docs/troubleshooting.md). Padding is cheap (in the U-Net only the output convolution, ch -> 1, is affected),
/// does not depend on detecting the bug, and leaves oneDNN on for every other layer. The padded filters are zero, so
/// outputs and every gradient are those of the unpadded convolution.
/// </summary>
internal sealed class BlockAlignedConv2d : Convolution
{
    /// <summary>oneDNN's largest channel block (AVX-512); multiples of it are multiples of the AVX2 block too.</summary>
    public const int ChannelBlock = 16;

    public BlockAlignedConv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0)
        : base(nameof(Conv2d), inChannels, outChannels, [kernelSize, kernelSize], [stride, stride], [padding, padding],
               null, [1, 1], false, [0, 0], 1, true, PaddingModes.Zeros, null, null)
    {
    }

    /// <summary>Whether a convolution with this many output channels needs the padding on the CPU.</summary>
    public static bool NeedsPadding(long outChannels) => outChannels % ChannelBlock != 0;

    public override Tensor forward(Tensor input)
    {
        if (input.device_type != DeviceType.CPU || !NeedsPadding(out_channels))
            return nn.functional.conv2d(input, weight!, bias, stride, padding, dilation, groups);

        long extra = ChannelBlock - out_channels % ChannelBlock;
        var w = weight!;
        using var zeroFilters = zeros([extra, w.shape[1], w.shape[2], w.shape[3]], w.dtype, w.device);
        using var paddedWeight = cat([w, zeroFilters], 0);
        using var zeroBias = bias is null ? null : zeros([extra], bias.dtype, bias.device);
        using var paddedBias = bias is null ? null : cat([bias, zeroBias!], 0);
        using var full = nn.functional.conv2d(input, paddedWeight, paddedBias, stride, padding, dilation, groups);
        return full.narrow(1, 0, out_channels).contiguous();
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seismic.Models;

/// <summary>
/// A 2-D convolution (same parameters, names and initialisation as <c>nn.Conv2d</c>) that on the CPU computes with
/// whole 16-channel blocks: zero filters pad the output channels up to a multiple of 16 (the result is sliced back), and
/// zero channels pad a wide input up to a multiple of 16 (32 when strided). libtorch 2.10's oneDNN (v3.7) gets other
/// shapes wrong on some CPUs (docs/troubleshooting.md): input gradients, and the transposed-convolution forward, when
/// the output channels are not a multiple of its channel block; the forward pass and every gradient of 3x3
/// convolutions whose input has more than 16 channels but not a multiple of 16; input gradients of strided 3x3
/// convolutions from an odd multiple of 16 input channels. Padding is cheap (in the preset U-Nets only the output
/// convolution, ch -> 1, is affected), does not depend on detecting the bug, and leaves oneDNN on for every other
/// layer. The padding is zero, so outputs and every gradient are those of the unpadded convolution.
/// </summary>
internal sealed class BlockAlignedConv2d : Convolution
{
    /// <summary>oneDNN's largest channel block (AVX-512); multiples of it are multiples of the AVX2 block too.</summary>
    public const int ChannelBlock = 16;

    public BlockAlignedConv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0)
        : base(nameof(Conv2d), inChannels, outChannels, [kernelSize, kernelSize], [stride, stride], [padding, padding],
               null, [1, 1], false, [0, 0], 1, true, PaddingModes.Zeros, null, null)
    {
        extraOutputs = PaddedOutputs(outChannels) - outChannels;
        extraInputs = PaddedInputs(inChannels, kernelSize, stride) - inChannels;
    }

    private readonly long extraOutputs, extraInputs;

    /// <summary>Whether a convolution of this shape needs the padding on the CPU.</summary>
    public static bool NeedsPadding(long inChannels, long outChannels, long kernelSize, long stride) =>
        PaddedOutputs(outChannels) != outChannels || PaddedInputs(inChannels, kernelSize, stride) != inChannels;

    private static long PaddedOutputs(long outChannels) => RoundUp(outChannels, ChannelBlock);

    // Inputs of up to one block are right as they are (the first convolution of a U-Net takes 1-6 channels).
    private static long PaddedInputs(long inChannels, long kernelSize, long stride) =>
        inChannels <= ChannelBlock || kernelSize == 1 ? inChannels : RoundUp(inChannels, stride == 1 ? ChannelBlock : 2 * ChannelBlock);

    private static long RoundUp(long n, long block) => (n + block - 1) / block * block;

    public override Tensor forward(Tensor input)
    {
        if (input.device_type != DeviceType.CPU || (extraOutputs == 0 && extraInputs == 0))
            return nn.functional.conv2d(input, weight!, bias, stride, padding, dilation, groups);

        using var scope = NewDisposeScope();
        Tensor w = weight!, x = input;
        Tensor? b = bias;
        if (extraInputs > 0)
        {
            w = nn.functional.pad(w, [0, 0, 0, 0, 0, extraInputs]);
            x = nn.functional.pad(x, [0, 0, 0, 0, 0, extraInputs]);
        }
        if (extraOutputs > 0)
        {
            w = nn.functional.pad(w, [0, 0, 0, 0, 0, 0, 0, extraOutputs]);
            b = b is null ? null : nn.functional.pad(b, [0, extraOutputs]);
        }
        var full = nn.functional.conv2d(x, w, b, stride, padding, dilation, groups);
        return (extraOutputs > 0 ? full.narrow(1, 0, out_channels).contiguous() : full).MoveToOuterDisposeScope();
    }
}

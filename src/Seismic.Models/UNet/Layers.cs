using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seismic.Models;

/// <summary>Layer factories that initialise the way the reference does.</summary>
internal static class Layers
{
    /// <summary>
    /// GroupNorm with weight 1 and bias 0. TorchSharp's GroupNorm leaves both uninitialised (garbage or NaN), so every
    /// GroupNorm in this library must come from here.
    /// </summary>
    public static GroupNorm GroupNorm(int groups, int channels)
    {
        var norm = nn.GroupNorm(groups, channels, eps: 1e-5);
        using (no_grad())
        {
            norm.weight!.fill_(1.0f);
            norm.bias!.fill_(0.0f);
        }
        return norm;
    }

    /// <summary>3x3 convolution with padding 1 (PyTorch's default initialisation), safe on every CPU (see <see cref="BlockAlignedConv2d"/>).</summary>
    public static Convolution Conv3x3(int inChannels, int outChannels, int stride = 1) =>
        Conv(inChannels, outChannels, kernelSize: 3, stride, padding: 1);

    /// <summary>1x1 convolution (PyTorch's default initialisation), safe on every CPU.</summary>
    public static Convolution Conv1x1(int inChannels, int outChannels) => Conv(inChannels, outChannels, kernelSize: 1, 1, 0);

    // Every convolution of the models comes from here: one whose shape oneDNN mishandles gets the padded form.
    private static Convolution Conv(int inChannels, int outChannels, int kernelSize, int stride, int padding) =>
        BlockAlignedConv2d.NeedsPadding(inChannels, outChannels, kernelSize, stride)
            ? new BlockAlignedConv2d(inChannels, outChannels, kernelSize, stride, padding)
            : Conv2d(inChannels, outChannels, kernel_size: kernelSize, stride: stride, padding: padding);

    /// <summary>Sets every parameter of <paramref name="module"/> to zero (the reference's <c>zero_module</c>).</summary>
    public static T Zeroed<T>(T module) where T : Module
    {
        using (no_grad())
        {
            foreach (var p in module.parameters()) p.zero_();
        }
        return module;
    }
}

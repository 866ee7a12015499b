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

    /// <summary>3x3 convolution with padding 1 (PyTorch's default initialisation).</summary>
    public static Conv2d Conv3x3(int inChannels, int outChannels, int stride = 1) =>
        Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1);

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

/// <summary>
/// The sinusoidal embedding of the continuous time input (SPEC 2): for i &lt; half = dim/2,
/// f_i = exp(-ln(max_period) i / half), embedding = [cos(t f), sin(t f)] (cosines first), one zero column appended
/// when dim is odd. Computed in float32 in the reference's operation order.
/// </summary>
internal static class TimestepEmbedding
{
    public static Tensor Sinusoidal(Tensor t, int dim, double maxPeriod = 10000)
    {
        using var scope = NewDisposeScope();
        int half = dim / 2;
        var freqs = exp(arange(0, half, dtype: ScalarType.Float32, device: t.device) * (float)(-Math.Log(maxPeriod)) / half);
        var args = t.to_type(ScalarType.Float32).unsqueeze(1) * freqs.unsqueeze(0);
        var emb = cat([cos(args), sin(args)], dim: -1);
        if (dim % 2 == 1)
            emb = cat([emb, zeros_like(emb[.., ..1])], dim: -1);
        return emb.MoveToOuterDisposeScope();
    }
}

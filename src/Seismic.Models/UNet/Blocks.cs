using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seismic.Models;

/// <summary>
/// A residual block conditioned on the time embedding (reference <c>ResBlock</c>, no up/down). State-dict names:
/// <c>in_layers.{0,2}</c>, <c>emb_layers.1</c>, <c>out_layers.{0,3}</c>, <c>skip_connection</c>.
/// </summary>
internal sealed class ResBlock : Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "in_layers")]
    private readonly Sequential inLayers;

    [ComponentName(Name = "emb_layers")]
    private readonly Sequential embLayers;

    // A list rather than a Sequential: with scale-shift norm the GroupNorm (index 0) runs apart from the rest.
    [ComponentName(Name = "out_layers")]
    private readonly ModuleList<Module<Tensor, Tensor>> outLayers;

    [ComponentName(Name = "skip_connection")]
    private readonly Module<Tensor, Tensor> skipConnection;

    private readonly bool useScaleShiftNorm;

    public ResBlock(int channels, int embChannels, int outChannels, double dropout, bool useScaleShiftNorm, int groups)
        : base(nameof(ResBlock))
    {
        this.useScaleShiftNorm = useScaleShiftNorm;
        inLayers = Sequential(Layers.GroupNorm(groups, channels), SiLU(), Layers.Conv3x3(channels, outChannels));
        embLayers = Sequential(SiLU(), Linear(embChannels, useScaleShiftNorm ? 2 * outChannels : outChannels));
        outLayers = new ModuleList<Module<Tensor, Tensor>>(
            Layers.GroupNorm(groups, outChannels), SiLU(), Dropout(dropout),
            Layers.Zeroed(Layers.Conv3x3(outChannels, outChannels)));
        skipConnection = outChannels == channels
            ? Identity()
            : Layers.Conv1x1(channels, outChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor emb)
    {
        var h = inLayers.call(x);
        var embOut = embLayers.call(emb).to_type(h.dtype).unsqueeze(-1).unsqueeze(-1);
        if (useScaleShiftNorm)
        {
            var scaleShift = embOut.chunk(2, dim: 1);
            h = outLayers[0].call(h) * (1 + scaleShift[0]) + scaleShift[1];
        }
        else
        {
            h = outLayers[0].call(h + embOut);
        }
        for (int i = 1; i < outLayers.Count; i++) h = outLayers[i].call(h);
        return skipConnection.call(x) + h;
    }
}

/// <summary>
/// Spatial self-attention with the reference's legacy head split (<c>QKVAttentionLegacy</c>): qkv (B, 3C, T) is reshaped
/// to (B*heads, 3C/heads, T) and then split into q, k, v; q and k are each scaled by 1/sqrt(sqrt(C/heads)); softmax
/// over keys. State-dict names: <c>norm</c>, <c>qkv</c> (1x1 conv1d), <c>proj_out</c> (zero-initialised).
/// </summary>
internal sealed class AttentionBlock : Module<Tensor, Tensor>
{
    private readonly GroupNorm norm;
    private readonly Conv1d qkv;

    [ComponentName(Name = "proj_out")]
    private readonly Conv1d projOut;

    private readonly int heads;

    public AttentionBlock(int channels, int heads, int groups) : base(nameof(AttentionBlock))
    {
        this.heads = heads;
        norm = Layers.GroupNorm(groups, channels);
        qkv = Conv1d(channels, 3 * channels, kernel_size: 1);
        projOut = Layers.Zeroed(Conv1d(channels, channels, kernel_size: 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var shape = x.shape;
        long b = shape[0], c = shape[1];
        var flat = x.reshape(b, c, -1);
        var qkvOut = qkv.call(norm.call(flat));
        long length = qkvOut.shape[2];
        long ch = c / heads;
        var parts = qkvOut.reshape(b * heads, 3 * ch, length).split(ch, dim: 1);
        double scale = 1.0 / Math.Sqrt(Math.Sqrt(ch));
        var q = parts[0] * scale;
        var k = parts[1] * scale;
        var weight = matmul(q.transpose(1, 2), k).softmax(-1);          // (B*heads, T query, S key)
        var attended = matmul(parts[2], weight.transpose(1, 2));          // (B*heads, ch, T)
        var h = projOut.call(attended.reshape(b, -1, length));
        return (flat + h).reshape(shape);
    }
}

/// <summary>Halves height and width: 3x3 stride-2 convolution (state-dict name <c>op</c>) or 2x2 average pooling.</summary>
internal sealed class Downsample : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> op;

    public Downsample(int channels, bool useConv) : base(nameof(Downsample))
    {
        op = useConv ? Layers.Conv3x3(channels, channels, stride: 2) : AvgPool2d(2, 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => op.call(x);
}

/// <summary>Doubles height and width: nearest-neighbour x2, then an optional 3x3 convolution (state-dict name <c>conv</c>).</summary>
internal sealed class Upsample : Module<Tensor, Tensor>
{
    private readonly Convolution? conv;

    public Upsample(int channels, bool useConv) : base(nameof(Upsample))
    {
        conv = useConv ? Layers.Conv3x3(channels, channels) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var up = functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        return conv is null ? up : conv.call(up);
    }
}

/// <summary>
/// A sequence of layers where residual blocks also receive the time embedding (reference
/// <c>TimestepEmbedSequential</c>). Children are registered as "0", "1", ... to match the reference's state-dict keys.
/// </summary>
internal sealed class TimestepSequential : Module<Tensor, Tensor, Tensor>
{
    private readonly Module[] layers;

    public TimestepSequential(params Module[] layers) : base(nameof(TimestepSequential))
    {
        this.layers = layers;
        for (int i = 0; i < layers.Length; i++) register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), layers[i]);
    }

    public override Tensor forward(Tensor x, Tensor emb)
    {
        foreach (var layer in layers)
        {
            x = layer switch
            {
                ResBlock res => res.call(x, emb),
                Module<Tensor, Tensor> plain => plain.call(x),
                _ => throw new InvalidOperationException($"Unsupported layer {layer.GetType().Name} in a U-Net block."),
            };
        }
        return x;
    }
}

using Seismic.Diffusion.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seismic.Models;

/// <summary>
/// The ADM U-Net of guided diffusion as used by I2SB (docs/models.md, "Building a network"), built from <see cref="AdmUNetOptions"/>. Parameter names,
/// shapes and order equal the reference's PyTorch state dict (<c>time_embed.0.weight</c>, <c>input_blocks.0.0.weight</c>,
/// ..., <c>out.2.bias</c>), so reference checkpoints load by name (<see cref="LoadPyTorchStateDict"/>). A fresh network is
/// initialised like the reference: PyTorch's default convolution/linear initialisation, GroupNorm weight 1 and bias 0,
/// and zero-initialised output convolutions of every residual block, attention projection and the head (so a fresh
/// network outputs exactly zero).
/// </summary>
/// <remarks>
/// <c>forward(x, t)</c>: x is (B, InChannels, H, W) float32 with H and W divisible by
/// <see cref="AdmUNetOptions.SizeDivisor"/>; t is the continuous time input (B) (any numeric dtype, converted to
/// float32; the I2SB network sees <c>noise_levels[n]</c>, not the step n). Returns (B, OutChannels, H, W).
/// The network is created on the CPU; move it with <c>to(device)</c>.
/// </remarks>
public sealed class AdmUNet : Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "time_embed")]
    private readonly Sequential timeEmbed;

    [ComponentName(Name = "input_blocks")]
    private readonly ModuleList<TimestepSequential> inputBlocks;

    [ComponentName(Name = "middle_block")]
    private readonly TimestepSequential middleBlock;

    [ComponentName(Name = "output_blocks")]
    private readonly ModuleList<TimestepSequential> outputBlocks;

    [ComponentName(Name = "out")]
    private readonly Sequential head;

    /// <summary>Builds the network described by <paramref name="options"/> (validated first).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="AdmUNetOptions.Validate"/>).</exception>
    public AdmUNet(AdmUNetOptions options) : base(nameof(AdmUNet))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchRuntime.EnsureAvailable(); // also applies the CPU convolution work-around before the first backward
        Options = options;

        int mc = options.ModelChannels;
        int embDim = 4 * mc;
        int groups = options.GroupNormGroups;
        var mult = options.ChannelMult;
        var attentionAt = new HashSet<int>(options.AttentionResolutions);

        timeEmbed = Sequential(Linear(mc, embDim), SiLU(), Linear(embDim, embDim));

        ResBlock Res(int cin, int cout) => new(cin, embDim, cout, options.Dropout, options.UseScaleShiftNorm, groups);
        AttentionBlock Attention(int ch) =>
            new(ch, options.NumHeadChannels == -1 ? options.NumHeads : ch / options.NumHeadChannels, groups);

        // Down path; remember every block's output width for the skip connections.
        int ch = mult[0] * mc;
        var inputs = new List<TimestepSequential> { new(Layers.Conv3x3(options.InChannels, ch)) };
        var skipWidths = new Stack<int>();
        skipWidths.Push(ch);
        int ds = 1;
        for (int level = 0; level < mult.Count; level++)
        {
            for (int i = 0; i < options.NumResBlocks; i++)
            {
                var layers = new List<Module> { Res(ch, mult[level] * mc) };
                ch = mult[level] * mc;
                if (attentionAt.Contains(ds)) layers.Add(Attention(ch));
                inputs.Add(new TimestepSequential([.. layers]));
                skipWidths.Push(ch);
            }
            if (level < mult.Count - 1)
            {
                inputs.Add(new TimestepSequential(new Downsample(ch, options.ConvResample)));
                skipWidths.Push(ch);
                ds *= 2;
            }
        }
        inputBlocks = new ModuleList<TimestepSequential>([.. inputs]);

        middleBlock = new TimestepSequential(Res(ch, ch), Attention(ch), Res(ch, ch));

        // Up path: each block consumes one skip; the last block of a level (but the first level) upsamples.
        var outputs = new List<TimestepSequential>();
        for (int level = mult.Count - 1; level >= 0; level--)
        {
            for (int i = 0; i <= options.NumResBlocks; i++)
            {
                var layers = new List<Module> { Res(ch + skipWidths.Pop(), mult[level] * mc) };
                ch = mult[level] * mc;
                if (attentionAt.Contains(ds)) layers.Add(Attention(ch));
                if (level > 0 && i == options.NumResBlocks)
                {
                    layers.Add(new Upsample(ch, options.ConvResample));
                    ds /= 2;
                }
                outputs.Add(new TimestepSequential([.. layers]));
            }
        }
        outputBlocks = new ModuleList<TimestepSequential>([.. outputs]);

        head = Sequential(Layers.GroupNorm(groups, ch), SiLU(), Layers.Zeroed(Layers.Conv3x3(ch, options.OutChannels)));
        RegisterComponents();
    }

    /// <exception cref="ArgumentException">Unknown preset name.</exception>
    /// <summary>The (validated) options this network was built from.</summary>
    public AdmUNetOptions Options { get; }

    /// <summary>Total number of parameters (elements).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Runs the network.</summary>
    /// <param name="x">Input (B, InChannels, H, W), float32; H and W divisible by <see cref="AdmUNetOptions.SizeDivisor"/>.</param>
    /// <param name="t">Continuous time input, shape (B) or a scalar (broadcast to the batch).</param>
    /// <returns>Output (B, OutChannels, H, W).</returns>
    /// <exception cref="ArgumentException">The input shapes do not fit the network.</exception>
    public override Tensor forward(Tensor x, Tensor t)
    {
        CheckInput(x, t);
        using var scope = NewDisposeScope();
        var times = t.dim() == 0 ? t.expand(x.shape[0]) : t;
        // A network cast to another precision (bfloat16, say) takes and returns float32 tensors all the same.
        var computeType = timeEmbed.parameters().First().dtype;
        var emb = timeEmbed.call(Seismic.Diffusion.TimestepEmbedding.Create(times, Options.ModelChannels).to_type(computeType));

        var skips = new Stack<Tensor>();
        var h = x.to_type(computeType);
        foreach (var block in inputBlocks)
        {
            h = block.call(h, emb);
            skips.Push(h);
        }
        h = middleBlock.call(h, emb);
        foreach (var block in outputBlocks)
            h = block.call(cat([h, skips.Pop()], dim: 1), emb);
        return head.call(h).to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Loads a reference state dict by parameter name: a PyTorch zip-format <c>torch.save(state_dict)</c> file
    /// (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>, ...) or a <c>.safetensors</c> file (detected from the content). Keys may
    /// carry a <c>diffusion_model.</c> (I2SB wrapper) or <c>module.</c> (DataParallel) prefix. Values are copied into the
    /// existing parameters (converted to their dtype and device).
    /// </summary>
    /// <param name="path">The state-dict file.</param>
    /// <exception cref="StateDictException">Legacy (non-zip) PyTorch format, unreadable file, or missing/unexpected keys or
    /// shape mismatches (the message lists the first few offending names).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public void LoadPyTorchStateDict(string path) => StateDictFile.LoadInto(this, path);

    /// <summary>Writes this network's state dict (reference names) to a <c>.safetensors</c> file, atomically (temp file + rename).</summary>
    /// <param name="path">Target file; its folder is created when missing.</param>
    public void SaveSafetensors(string path) => StateDictFile.SaveSafetensors(this, path);

    private void CheckInput(Tensor x, Tensor t)
    {
        if (x.dim() != 4)
            throw new ArgumentException($"AdmUNet expects x of shape (B, C, H, W); got ({string.Join(", ", x.shape)}).", nameof(x));
        if (x.shape[1] != Options.InChannels)
            throw new ArgumentException($"AdmUNet expects {Options.InChannels} input channels; got {x.shape[1]}.", nameof(x));
        int div = Options.SizeDivisor;
        if (x.shape[2] % div != 0 || x.shape[3] % div != 0)
            throw new ArgumentException(
                $"AdmUNet with {Options.ChannelMult.Count} levels needs H and W divisible by {div}; got {x.shape[2]} x {x.shape[3]}.", nameof(x));
        if (!(t.dim() == 0 || (t.dim() == 1 && t.shape[0] == x.shape[0])))
            throw new ArgumentException($"AdmUNet expects t of shape ({x.shape[0]}) or a scalar; got ({string.Join(", ", t.shape)}).", nameof(t));
    }
}

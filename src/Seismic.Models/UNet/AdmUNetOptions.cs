namespace Seismic.Models;

/// <summary>
/// The configuration of an <see cref="AdmUNet"/>: every field of the reference's ADM U-Net (guided diffusion) config,
/// with the reference defaults and validation. Options are init-only properties; start from a named preset's
/// (<see cref="ModelPreset"/>: <c>ModelPreset.UnetCh32.Network</c>, <c>ModelPreset.Parse(name).Network</c>) or
/// <c>new AdmUNetOptions()</c> and change fields with <c>with</c> expressions. Validation runs once, when the network is built
/// (<see cref="Validate"/>).
/// </summary>
/// <example>
/// <code>
/// var options = ModelPreset.I2sbSmallCond.Network with { Dropout = 0.1 };
/// using var net = new AdmUNet(options);
/// </code>
/// </example>
public sealed record AdmUNetOptions
{
    /// <summary>Input channels of the network. The default value is 6 (x_n plus the 5-shot seismic condition).</summary>
    public int InChannels { get; init; } = 6;

    /// <summary>Output channels of the network. The default value is 1 (the velocity channel).</summary>
    public int OutChannels { get; init; } = 1;

    /// <summary>Base channel count (also the sinusoidal time-embedding dimension; the time MLP has 4x this width). The default value is 32.</summary>
    public int ModelChannels { get; init; } = 32;

    /// <summary>Channel multiplier per resolution level; each level after the first halves the spatial size. The default value is (1, 2, 4, 8).</summary>
    public IReadOnlyList<int> ChannelMult { get => _channelMult; init => _channelMult = Copy(value); }

    private readonly IReadOnlyList<int> _channelMult = Copy([1, 2, 4, 8]);

    /// <summary>Residual blocks per level on the way down (the way up has one more). The default value is 2.</summary>
    public int NumResBlocks { get; init; } = 2;

    /// <summary>
    /// Downsample factors (1, 2, 4, ...; not pixel sizes) at which self-attention follows each residual block.
    /// The middle block always attends. The default value is (16, 8).
    /// </summary>
    public IReadOnlyList<int> AttentionResolutions { get => _attentionResolutions; init => _attentionResolutions = Copy(value); }

    private readonly IReadOnlyList<int> _attentionResolutions = Copy([16, 8]);

    // The options keep their own read-only copy: a list the caller changes later cannot change a validated network's shape.
    private static IReadOnlyList<int> Copy(IReadOnlyList<int> values) => values is null ? null! : Array.AsReadOnly(values.ToArray());

    /// <summary>Attention heads, used when <see cref="NumHeadChannels"/> is -1. The default value is 4.</summary>
    public int NumHeads { get; init; } = 4;

    /// <summary>Channels per attention head; when not -1 it overrides <see cref="NumHeads"/> (heads = channels / this). The default value is -1.</summary>
    public int NumHeadChannels { get; init; } = -1;

    /// <summary>Dropout probability inside the residual blocks, in [0, 1). The default value is 0.</summary>
    public double Dropout { get; init; }

    /// <summary>Whether the time embedding modulates the second GroupNorm by scale and shift (FiLM) rather than being added. The default value is true.</summary>
    public bool UseScaleShiftNorm { get; init; } = true;

    /// <summary>Number of GroupNorm groups; every normalised channel count must be divisible by it (32 in the README state, 16 in the later variants). The default value is 32.</summary>
    public int GroupNormGroups { get; init; } = 32;

    /// <summary>Whether down/up-sampling uses a learned 3x3 convolution (strided conv down; nearest x2 then conv up) instead of average pooling / plain nearest upsampling. The default value is true.</summary>
    public bool ConvResample { get; init; } = true;

    /// <summary>The factor by which the input's height and width must be divisible: 2^(levels - 1).</summary>
    public int SizeDivisor => 1 << Math.Max(0, ChannelMult.Count - 1);

    /// <summary>
    /// Checks every field and every combination the network needs (channel counts divisible by the GroupNorm
    /// groups and by the attention heads).
    /// </summary>
    /// <exception cref="ArgumentException">A field is out of range or the combination is unsupported; the message names the option.</exception>
    public void Validate()
    {
        Require(InChannels >= 1, nameof(InChannels), $"must be >= 1 (got {InChannels})");
        Require(OutChannels >= 1, nameof(OutChannels), $"must be >= 1 (got {OutChannels})");
        Require(ModelChannels >= 1, nameof(ModelChannels), $"must be >= 1 (got {ModelChannels})");
        Require(ChannelMult is { Count: > 0 } && ChannelMult.All(m => m >= 1), nameof(ChannelMult),
            $"must hold at least one multiplier, each >= 1 (got [{Join(ChannelMult)}])");
        Require(NumResBlocks >= 1, nameof(NumResBlocks), $"must be >= 1 (got {NumResBlocks})");
        Require(AttentionResolutions is not null && AttentionResolutions.All(f => f >= 1 && (f & (f - 1)) == 0), nameof(AttentionResolutions),
            $"must hold downsample factors that are powers of two (1, 2, 4, ...), not pixel sizes (got [{Join(AttentionResolutions)}])");
        Require(Dropout is >= 0 and < 1, nameof(Dropout), $"must be in [0, 1) (got {Dropout})");
        Require(GroupNormGroups >= 1, nameof(GroupNormGroups), $"must be >= 1 (got {GroupNormGroups})");
        Require(NumHeadChannels == -1 || NumHeadChannels >= 1, nameof(NumHeadChannels), $"must be -1 (use NumHeads) or >= 1 (got {NumHeadChannels})");
        Require(NumHeadChannels != -1 || NumHeads >= 1, nameof(NumHeads), $"must be >= 1 (got {NumHeads})");

        // Every GroupNorm in the net normalises a level width (mc * mult) or, on the way up, the concatenation of a level
        // width and a skip width: all are multiples of gcd over level widths, so checking the level widths suffices.
        foreach (var width in ChannelMult.Select(m => m * ModelChannels).Distinct())
        {
            Require(width % GroupNormGroups == 0, nameof(GroupNormGroups),
                $"= {GroupNormGroups} does not divide the channel count {width} (ModelChannels {ModelChannels} x ChannelMult [{Join(ChannelMult)}]); use a divisor such as 16 or 8");
        }

        foreach (var width in AttentionWidths())
        {
            if (NumHeadChannels != -1)
                Require(width % NumHeadChannels == 0, nameof(NumHeadChannels),
                    $"= {NumHeadChannels} does not divide the attention width {width}");
            else
                Require(width % NumHeads == 0, nameof(NumHeads), $"= {NumHeads} does not divide the attention width {width}");
        }
    }

    /// <summary>Channel counts of every attention block (those at listed factors, plus the middle block).</summary>
    private IEnumerable<int> AttentionWidths()
    {
        int ds = 1;
        for (int level = 0; level < ChannelMult.Count; level++)
        {
            if (AttentionResolutions.Contains(ds)) yield return ChannelMult[level] * ModelChannels;
            if (level < ChannelMult.Count - 1) ds *= 2;
        }
        yield return ChannelMult[^1] * ModelChannels;
    }

    private static void Require(bool ok, string option, string message) => Check.That(ok, option, message);

    private static string Join(IEnumerable<int>? values) => values is null ? "null" : string.Join(", ", values);

    /// <inheritdoc />
    public bool Equals(AdmUNetOptions? other) =>
        other is not null && InChannels == other.InChannels && OutChannels == other.OutChannels && ModelChannels == other.ModelChannels
        && ChannelMult.SequenceEqual(other.ChannelMult) && NumResBlocks == other.NumResBlocks
        && AttentionResolutions.SequenceEqual(other.AttentionResolutions) && NumHeads == other.NumHeads
        && NumHeadChannels == other.NumHeadChannels && Dropout.Equals(other.Dropout) && UseScaleShiftNorm == other.UseScaleShiftNorm
        && GroupNormGroups == other.GroupNormGroups && ConvResample == other.ConvResample;

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(InChannels, OutChannels, ModelChannels, string.Join(",", ChannelMult), NumResBlocks,
            string.Join(",", AttentionResolutions), HashCode.Combine(NumHeads, NumHeadChannels, Dropout, UseScaleShiftNorm, GroupNormGroups, ConvResample));

    /// <inheritdoc />
    public override string ToString() =>
        $"AdmUNetOptions {{ In {InChannels}, Out {OutChannels}, ModelChannels {ModelChannels}, ChannelMult [{Join(ChannelMult)}], NumResBlocks {NumResBlocks}, "
        + $"AttentionResolutions [{Join(AttentionResolutions)}], NumHeads {NumHeads}, NumHeadChannels {NumHeadChannels}, Dropout {Dropout}, "
        + $"UseScaleShiftNorm {UseScaleShiftNorm}, GroupNormGroups {GroupNormGroups}, ConvResample {ConvResample} }}";
}

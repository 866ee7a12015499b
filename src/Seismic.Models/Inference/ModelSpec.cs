using Seismic.Data.OpenFwi;
using Seismic.Data.Transforms;
using Seismic.Diffusion;
using Seismic.Diffusion.Corruption;

namespace Seismic.Models;

/// <summary>
/// What a trained model is, apart from its weights: the network architecture, the bridge, the corruption it inverts,
/// the dataset whose normalisation its inputs and outputs use, and the image size. Stored in every checkpoint (its
/// <c>spec</c> section), so sampling and evaluation need nothing from the training settings. Immutable: variations with
/// <c>with</c>; <see cref="Validate"/> runs when a <see cref="BridgeModel"/> is built.
/// </summary>
/// <example><code>
/// var spec = new ModelSpec { Network = ModelPreset.I2sbSmallCond.Network, ImageSize = 64, Corruption = CorruptionPreset.OpenFwiBenchmarkA };
/// </code></example>
public sealed record ModelSpec
{
    /// <summary>The U-Net architecture. The default value is <see cref="ModelPreset.UnetCh32"/>'s.</summary>
    public AdmUNetOptions Network { get; init; } = ModelPreset.UnetCh32.Network;

    /// <summary>Schedule, network time range, parameterisation and OT-ODE switch. The default value is the reference's (<c>new BridgeOptions()</c>).</summary>
    public BridgeOptions Bridge { get; init; } = new();

    /// <summary>The corruption x0 -> x1 the model inverts. The default value is <see cref="CorruptionPreset.OpenFwiCustom"/> (the reference's).</summary>
    public CorruptionPreset Corruption { get; init; } = CorruptionPreset.OpenFwiCustom;

    /// <summary>The OpenFWI dataset whose bounds normalise velocities and seismic data. The default value is FlatVel_A's.</summary>
    public OpenFwiDataset Dataset { get; init; } = OpenFwiDataset.FlatVelA;

    /// <summary>Image size S the network sees, a positive multiple of 8 and of the network's size divisor. The default value is 256.</summary>
    public int ImageSize { get; init; } = 256;

    /// <summary>Whether sampling clamps x0_hat to [-1, 1] at every step unless told otherwise (the reference's <c>clip_denoise</c>). The default value is false.</summary>
    public bool ClipDenoise { get; init; }

    /// <summary>The largest <see cref="ImageSize"/> accepted (as the data cache's).</summary>
    public const int MaxImageSize = SampleTransform.MaxImageSize;

    /// <summary>True when the network takes the seismic condition (more than one input channel).</summary>
    public bool IsConditional => Network.InChannels > 1;

    /// <summary>The preset name of <see cref="Network"/>, or <c>custom</c>.</summary>
    public string NetworkName => ModelPreset.All.FirstOrDefault(p => p.Network == Network)?.Name ?? "custom";

    /// <summary>Checks the network, the bridge, the dataset bounds and the image size.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it by its path (<c>ImageSize</c>, <c>Network.GroupNormGroups</c>, ...).</exception>
    public void Validate()
    {
        Check.Nested(nameof(Network), Check.Set(Network, nameof(Network)).Validate);
        Check.Nested(nameof(Bridge), Check.Set(Bridge, nameof(Bridge)).Validate);
        Check.Set(Corruption, nameof(Corruption));
        Check.Nested(nameof(Dataset), Check.Set(Dataset, nameof(Dataset)).Validate);
        Check.That(ImageSize > 0 && ImageSize % 8 == 0, nameof(ImageSize), $"must be a positive multiple of 8, got {ImageSize}");
        Check.That(ImageSize <= MaxImageSize, nameof(ImageSize), $"must be at most {MaxImageSize}, got {ImageSize} (one sample would take " +
                                                                 $"{6.0 * ImageSize * ImageSize * sizeof(float) / (1L << 30):0.##} GiB)");
        Check.That(ImageSize % Network.SizeDivisor == 0, nameof(ImageSize),
            $"{ImageSize} must be divisible by {Network.SizeDivisor} for a network with {Network.ChannelMult.Count} levels");
        Check.That(!IsConditional || Network.InChannels == 1 + Dataset.Ns, nameof(Network),
            $"takes {Network.InChannels} input channels; a conditional model needs 1 + {Dataset.Ns} (the dataset's shots)");
    }
}

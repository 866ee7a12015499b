using Seismic.Data;
using Seismic.Data.OpenFwi;
using Seismic.Diffusion.Sampling;

namespace Seismic.Models;

/// <summary>How <see cref="BridgeModel.Predict"/> samples raw OpenFWI arrays. Immutable: variations with <c>with</c>.</summary>
public sealed record PredictionOptions
{
    /// <summary>How each input is sampled. The default value is the sampler's defaults (NFE = interval - 1).</summary>
    public SamplerOptions Sampler { get; init; } = new();

    /// <summary>Inputs per network batch. The default value is 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Seed of the sampler's noise (one generator for all batches, in order). The default value is 0.</summary>
    public Seed Seed { get; init; }

    /// <summary>
    /// The dataset whose normalisation and acquisition the arrays follow; null takes the one the model was trained on
    /// (<see cref="ModelSpec.Dataset"/>). The default value is null.
    /// </summary>
    public OpenFwiDataset? Dataset { get; init; }

    /// <summary>Checks the options against the model's bridge interval.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public void Validate(int interval)
    {
        var sampler = Check.Set(Sampler, nameof(Sampler));
        Check.Nested(nameof(Sampler), () => sampler.Validate(interval));
        Check.That(BatchSize >= 1, nameof(BatchSize), $"must be positive, got {BatchSize}");
    }
}

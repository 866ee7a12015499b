using Seismic.Data;
using Seismic.Diffusion.Corruption;
using Seismic.Diffusion.Sampling;

namespace Seismic.Models.Evaluation;

/// <summary>How <see cref="Evaluator"/> and <see cref="EnsembleEvaluator"/> sample and measure a split. Immutable: variations with <c>with</c>.</summary>
public sealed record EvaluationOptions
{
    /// <summary>
    /// How each input is sampled. The default value has <see cref="SamplerOptions.Nfe"/> 1, as in validation (the
    /// reference sampler's own default is interval - 1). x0_hat is clamped as its <see cref="SamplerOptions.ClipDenoise"/>
    /// says, or as the model's <see cref="ModelSpec.ClipDenoise"/> does when it says nothing; <see cref="SamplerOptions.LogCount"/> applies to the first batch only.
    /// </summary>
    public SamplerOptions Sampler { get; init; } = new() { Nfe = 1 };

    /// <summary>Network rows per batch (inputs, or inputs x members for an ensemble). The default value is 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Evaluate at most this many samples; null evaluates the whole split. The default value is null.</summary>
    public int? MaxSamples { get; init; }

    /// <summary>Seed of the corruption draws and sampler noise. The default value is 0.</summary>
    public Seed Seed { get; init; }

    /// <summary>OpenFWI's grid size, to which predictions are resized back for the 70 x 70 metrics. The default value is 70.</summary>
    public int NativeSize { get; init; } = 70;

    /// <summary>
    /// This evaluator's share when several processes split one evaluation: the first <see cref="MaxSamples"/> samples are
    /// cut into batches in order (<see cref="BatchSize"/> samples each; an ensemble's inputs per batch), and batch k goes
    /// to shard <c>k mod Shard.Count</c>. The default value is (0, 1), every batch. Reports of the shards combine by sample
    /// count; a shard can be empty when there are fewer batches than shards.
    /// </summary>
    public (int Index, int Count) Shard { get; init; } = (0, 1);

    /// <summary>
    /// Whether batch k draws its corruption and sampler noise from its own generator, seeded from
    /// <c>Seed.Derive(k)</c>, instead of all batches drawing in turn from one generator seeded with <see cref="Seed"/>.
    /// With it, a batch's draws do not depend on which batches came before, so results do not depend on how many shards
    /// split the evaluation (the trainer's validation uses it). The default value is false.
    /// </summary>
    public bool SeedPerBatch { get; init; }

    /// <summary>
    /// What a refiner starts from when one is given: the network's prediction (the default) or the corrupted input x1,
    /// the classical full-waveform-inversion baseline with the same budget.
    /// </summary>
    public RefinementStart RefineFrom { get; init; } = RefinementStart.Prediction;

    /// <summary>
    /// Whose rules the evaluation follows: this library's (<see cref="EvaluationProtocol.Library"/>, the default), or
    /// the Python original's <c>record_openfwi_metrics.py</c> (<see cref="EvaluationProtocol.Original"/>): corruption
    /// draws from NumPy's legacy stream seeded with <see cref="Seed"/> (one draw per batch, in order), and deterministic
    /// OT-ODE sampling whatever <see cref="SamplerOptions.Deterministic"/> says; its MAE, MSE and SSIM are the report's
    /// S x S prediction metrics.
    /// </summary>
    public EvaluationProtocol Protocol { get; init; } = EvaluationProtocol.Library;

    /// <summary>The corruption that makes x1; null uses the model's (<see cref="ModelSpec.Corruption"/>). The default value is null.</summary>
    public CorruptionPreset? Corruption { get; init; }

    /// <summary>Checks the options against the model's bridge interval.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public void Validate(int interval)
    {
        var sampler = Check.Set(Sampler, nameof(Sampler));
        Check.Nested(nameof(Sampler), () => sampler.Validate(interval));
        Check.That(BatchSize >= 1, nameof(BatchSize), $"must be positive, got {BatchSize}");
        Check.That(MaxSamples is not < 1, nameof(MaxSamples), $"must be positive, got {MaxSamples}");
        Check.That(NativeSize >= 1, nameof(NativeSize), $"must be positive, got {NativeSize}");
        Check.That(Enum.IsDefined(RefineFrom), nameof(RefineFrom), $"{RefineFrom} is not a defined value");
        Check.That(Enum.IsDefined(Protocol), nameof(Protocol), $"{Protocol} is not a defined value");
        Check.That(Protocol != EvaluationProtocol.Original || Seed.Value <= uint.MaxValue, nameof(Seed),
            $"must be at most 2^32 - 1 with the original protocol (NumPy's seed range), got {Seed}");
        Check.That(Shard.Count >= 1 && Shard.Index >= 0 && Shard.Index < Shard.Count, nameof(Shard),
            $"must satisfy 0 <= Index < Count, got ({Shard.Index}, {Shard.Count})");
    }

    /// <summary>The sampler options of one batch: the trajectory is logged only when <paramref name="trajectory"/>.</summary>
    internal SamplerOptions SamplerFor(bool trajectory)
    {
        var sampler = Protocol == EvaluationProtocol.Original ? Sampler with { Deterministic = true } : Sampler;
        return trajectory ? sampler : sampler with { LogCount = 0 };
    }
}

/// <summary>Where a refinement of an evaluated sample starts.</summary>
public enum RefinementStart
{
    /// <summary>The network's prediction, resized to the native grid.</summary>
    Prediction,

    /// <summary>The corrupted input x1 (the smoothed model), resized to the native grid: classical FWI.</summary>
    Input,
}

/// <summary>Whose rules an evaluation follows (<see cref="EvaluationOptions.Protocol"/>).</summary>
public enum EvaluationProtocol
{
    /// <summary>This library's: corruption draws and sampler noise from one seeded torch generator.</summary>
    Library,

    /// <summary>
    /// The Python original's <c>record_openfwi_metrics.py</c>: corruption draws from NumPy's legacy global stream
    /// seeded as <c>np.random.seed(seed)</c>, one call per batch in dataset order, and OT-ODE (noise-free) sampling.
    /// </summary>
    Original,
}

using Seismic.Diffusion.Sampling;

namespace Seismic.Training.Evaluation;

/// <summary>How a split is sampled and measured by <see cref="Evaluator"/>.</summary>
public sealed class EvaluationOptions
{
    /// <summary>Network evaluations per sample (1 to interval - 1). The default value is 1, as in validation (the reference sampler's own default is interval - 1).</summary>
    public int Nfe { get; set; } = 1;

    /// <summary>Guidance weight w; 0 is one conditional call per step. The default value is 0.</summary>
    public double Guidance { get; set; }

    /// <summary>Which guidance formula a non-zero <see cref="Guidance"/> uses. The default value is the README's <c>(1 + w) cond - w uncond</c>.</summary>
    public GuidanceFormula GuidanceFormula { get; set; } = GuidanceFormula.Classic;

    /// <summary>Sample without noise even for an SDE-trained model. The default value is false.</summary>
    public bool Deterministic { get; set; }

    /// <summary>Clamp x0_hat to [-1, 1] at every step; null uses the training option. The default value is null.</summary>
    public bool? ClipDenoise { get; set; }

    /// <summary>Samples per batch. The default value is 16.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Evaluate at most this many samples; null evaluates the whole split. The default value is null.</summary>
    public int? MaxSamples { get; set; }

    /// <summary>Seed of the corruption draws and sampler noise. The default value is 0.</summary>
    public int Seed { get; set; }

    /// <summary>OpenFWI's grid size, to which predictions are resized back for the 70 x 70 metrics. The default value is 70.</summary>
    public int NativeSize { get; set; } = 70;

    /// <summary>States of the sampling trajectory to keep for the first batch (0 keeps none). The default value is 0.</summary>
    public int TrajectoryLogCount { get; set; }

    /// <summary>
    /// Also forward-model every prediction and input x1 (70 x 70, m/s clamped to [1500, 4500]) with the OpenFWI recipe and
    /// report the relative L2 misfit against the recorded data (about 0.15 s per model on 2 cores). The default value is false.
    /// </summary>
    public bool DataMisfit { get; set; }

    /// <summary>Checks the options against the model's interval; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate(int interval)
    {
        if (Nfe < 1 || Nfe >= interval) throw new ArgumentException($"Nfe must be in [1, {interval - 1}], got {Nfe}");
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be positive, got {BatchSize}");
        if (MaxSamples is < 1) throw new ArgumentException($"MaxSamples must be positive, got {MaxSamples}");
        if (NativeSize < 1) throw new ArgumentException($"NativeSize must be positive, got {NativeSize}");
        if (!double.IsFinite(Guidance)) throw new ArgumentException($"Guidance must be finite, got {Guidance}");
        if (TrajectoryLogCount < 0) throw new ArgumentException($"TrajectoryLogCount must be >= 0, got {TrajectoryLogCount}");
    }

    /// <summary>The sampler options these evaluation options stand for (clip-denoise from the training options when unset).</summary>
    internal SamplerOptions ToSamplerOptions(TrainingOptions training) => new()
    {
        Nfe = Nfe,
        ClipDenoise = ClipDenoise ?? training.ClipDenoise,
        GuidanceScale = Guidance,
        Formula = GuidanceFormula,
        Deterministic = Deterministic,
    };
}

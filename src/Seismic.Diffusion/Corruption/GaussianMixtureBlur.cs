using Seismic.Diffusion.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Corruption;

/// <summary>Options of <see cref="GaussianMixtureBlur"/> (immutable; variations with <c>with</c>). Defaults are those of the <c>blur-openfwi_custom</c> preset.</summary>
public sealed record GaussianMixtureBlurOptions
{
    /// <summary>Smallest blur standard deviation in pixels (inclusive, >= 0). The default value is 8.</summary>
    public int SigmaFloor { get; init; } = 8;

    /// <summary>Largest blur standard deviation in pixels (inclusive, >= <see cref="SigmaFloor"/>). The default value is 24.</summary>
    public int SigmaCeil { get; init; } = 24;

    /// <summary>Lower end of the noise weight lambda = floor + ceil U[0, 1). The default value is 0.</summary>
    public double NoiseFloor { get; init; }

    /// <summary>Width of the noise weight range (lambda is below floor + ceil). The default value is 0.3.</summary>
    public double NoiseCeil { get; init; } = 0.3;

    /// <summary>
    /// Run the operator in [0, 1] space (README state): <c>x' = (x + 1)/2</c>, corrupt (including the clip to [-1, 1]),
    /// then <c>2 y - 1</c>. False runs it directly in [-1, 1] (the later presets). The default value is true.
    /// </summary>
    public bool UnitInterval { get; init; } = true;

    /// <summary>Kernel truncation in standard deviations. The default value is 4.</summary>
    public double Truncate { get; init; } = GaussianSmoothing.DefaultTruncate;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it and the allowed range.</exception>
    public void Validate()
    {
        Check.That(SigmaFloor >= 0, nameof(SigmaFloor), $"must be >= 0, got {SigmaFloor}");
        Check.That(SigmaCeil >= SigmaFloor, nameof(SigmaCeil), $"must be >= SigmaFloor ({SigmaFloor}), got {SigmaCeil}");
        Check.That(NoiseFloor >= 0, nameof(NoiseFloor), $"must be >= 0, got {NoiseFloor}");
        Check.That(NoiseCeil >= 0 && NoiseFloor + NoiseCeil <= 1, nameof(NoiseCeil), $"must be >= 0 with NoiseFloor + NoiseCeil <= 1, got {NoiseFloor} and {NoiseCeil}");
        Check.That(Truncate > 0 && double.IsFinite(Truncate), nameof(Truncate), $"must be a positive finite number, got {Truncate}");
    }
}

/// <summary>One random draw of <see cref="GaussianMixtureBlur"/>: the blur width and the noise weight.</summary>
/// <param name="Sigma">Blur standard deviation in pixels.</param>
/// <param name="NoiseLevel">Noise weight lambda in [0, 1].</param>
public readonly record struct BlurDraw(int Sigma, double NoiseLevel);

/// <summary>
/// The reference's <c>GaussianMixtureBlur</c> corruption (docs/diffusion.md, "Corruptions"): per call, draw sigma uniformly from the integers
/// [SigmaFloor, SigmaCeil] and <c>lambda = NoiseFloor + NoiseCeil U[0, 1)</c>; then <c>y = (1 - lambda) x + lambda N(0, 1)</c>,
/// Gaussian smoothing of y along H and W (<see cref="GaussianSmoothing"/>), clip to [-1, 1]; optionally in [0, 1] space.
/// </summary>
/// <remarks>
/// Randomness: sigma, lambda and the noise all come from the torch <see cref="Generator"/> passed to
/// <see cref="Apply(Tensor, Generator?)"/> (null: torch's global generator), in that order, so one seeded generator
/// reproduces a whole training run. When lambda is 0 no noise is drawn.
/// </remarks>
public sealed class GaussianMixtureBlur : ICorruption
{
    private readonly GaussianMixtureBlurOptions _options;

    /// <summary>Creates the operator.</summary>
    /// <param name="options">The options; null for the <c>blur-openfwi_custom</c> defaults. Validated here.</param>
    /// <param name="name">A name for logs; null gives a descriptive one.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public GaussianMixtureBlur(GaussianMixtureBlurOptions? options = null, string? name = null)
    {
        options ??= new GaussianMixtureBlurOptions();
        options.Validate();
        _options = options;
        Name = name ?? $"blur(sigma {_options.SigmaFloor}-{_options.SigmaCeil}, noise {_options.NoiseFloor}+{_options.NoiseCeil})";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Smallest sigma in pixels.</summary>
    public int SigmaFloor => _options.SigmaFloor;

    /// <summary>Largest sigma in pixels.</summary>
    public int SigmaCeil => _options.SigmaCeil;

    /// <summary>Lower end of lambda.</summary>
    public double NoiseFloor => _options.NoiseFloor;

    /// <summary>Width of the lambda range.</summary>
    public double NoiseCeil => _options.NoiseCeil;

    /// <summary>True when the operator runs in [0, 1] space.</summary>
    public bool UnitInterval => _options.UnitInterval;

    /// <summary>Draws sigma and lambda for one call.</summary>
    /// <param name="generator">Random source; null for torch's global generator.</param>
    public BlurDraw Draw(Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        int sigma = (int)Rng.Integers(SigmaFloor, SigmaCeil + 1L, [1], CPU, generator).item<long>();
        double u = Rng.Uniform([1], CPU, generator).item<float>();
        return new BlurDraw(sigma, NoiseFloor + NoiseCeil * u);
    }

    /// <inheritdoc />
    public Tensor Apply(Tensor x0, Generator? generator = null) => Apply(x0, Draw(generator), generator);

    /// <summary>
    /// Corrupts a batch exactly as the Python original's <c>GaussMixtureBlur</c> does, drawing from NumPy's legacy stream
    /// in its order: <c>randint(SigmaFloor, SigmaCeil + 1)</c>, <c>rand()</c>, then <c>normal(0, 1, x0.shape)</c> (drawn
    /// even when the noise level is 0). The arithmetic follows NumPy's types: the image times <c>1 - lambda</c> in float32,
    /// plus the noise times lambda in float64, smoothed in float64 (<see cref="GaussianSmoothing"/>, scipy's
    /// <c>gaussian_filter</c>), clipped to [-1, 1] and rounded to float32; in [0, 1] space when <see cref="UnitInterval"/>.
    /// </summary>
    /// <param name="x0">Clean images (..., H, W) in [-1, 1], float32. Not modified.</param>
    /// <param name="random">NumPy's stream (seeded as the original seeds <c>np.random</c>); advanced by the draws.</param>
    /// <returns>A new float32 tensor of the same shape, on the device of <paramref name="x0"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="x0"/> is not float32.</exception>
    public Tensor Apply(Tensor x0, NumPyRandomState random)
    {
        ArgumentNullException.ThrowIfNull(x0);
        ArgumentNullException.ThrowIfNull(random);
        if (x0.dtype != ScalarType.Float32)
            throw new ArgumentException($"x0 must be float32 as the original's images are; got {x0.dtype}.", nameof(x0));
        int sigma = (int)random.RandInt(SigmaFloor, SigmaCeil + 1L);
        double level = NoiseFloor + NoiseCeil * random.NextDouble();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var x = _options.UnitInterval ? (x0 + 1) / 2 : x0.alias();
        var image = x.cpu().contiguous().data<float>().ToArray();
        var mixed = new double[image.Length];
        random.Normal(mixed);
        float keep = (float)(1.0 - level); // NumPy: float32 array times a Python float stays float32
        for (int i = 0; i < mixed.Length; i++) mixed[i] = mixed[i] * level + (double)(image[i] * keep);
        var y = GaussianSmoothing.Apply(torch.tensor(mixed, x.shape, ScalarType.Float64), sigma, _options.Truncate)
            .clamp(-1.0, 1.0).to(ScalarType.Float32);
        if (_options.UnitInterval) y = y * 2 - 1;
        return y.to(x0.device).MoveToOuterDisposeScope();
    }

    /// <summary>Corrupts a batch with a given draw (the noise, if any, still comes from <paramref name="generator"/>).</summary>
    /// <param name="x0">Clean images (..., H, W) in [-1, 1], floating point. Not modified.</param>
    /// <param name="draw">Sigma and lambda.</param>
    /// <param name="generator">Random source of the noise; null for torch's global generator.</param>
    /// <returns>A new tensor of the same shape, dtype and device.</returns>
    public Tensor Apply(Tensor x0, BlurDraw draw, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(x0);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var x = _options.UnitInterval ? (x0 + 1) / 2 : x0.alias();
        if (draw.NoiseLevel != 0)
            x = x * (1 - draw.NoiseLevel) + Rng.Normal(x.shape, x.dtype, x.device, generator) * draw.NoiseLevel;
        var y = GaussianSmoothing.Apply(x, draw.Sigma, _options.Truncate).clamp(-1.0, 1.0);
        if (_options.UnitInterval) y = y * 2 - 1;
        return y.MoveToOuterDisposeScope();
    }
}

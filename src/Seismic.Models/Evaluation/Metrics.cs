using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Models.Evaluation;

/// <summary>
/// MAE, MSE, RMSE and SSIM of predicted against true velocity maps as the reference computes them (docs/training.md, "Evaluation"):
/// on normalised velocities of shape (B, C, H, W) (C = 1 for velocity), SSIM on <c>x/2 + 0.5</c> with an
/// 11 x 11 Gaussian window (sigma 1.5), zero padding of 5, C1 = 0.01^2, C2 = 0.03^2 and the mean over the map.
/// Every call runs in its own dispose scope and returns plain doubles; the inputs are left untouched.
/// </summary>
public static class Metrics
{
    /// <summary>Half the OpenFWI velocity range in m/s: normalised velocity x 1500 + 3000 gives m/s, so
    /// normalised errors x 1500 are errors in m/s.</summary>
    public const double VelocityHalfRange = 1500;

    /// <summary>Side of the SSIM Gaussian window in pixels (11).</summary>
    public const int SsimWindowSize = 11;

    /// <summary>Standard deviation of the SSIM Gaussian window in pixels (1.5).</summary>
    public const double SsimSigma = 1.5;

    private const double C1 = 0.01 * 0.01;
    private const double C2 = 0.03 * 0.03;

    /// <summary>MAE, MSE and SSIM averaged over the batch (every sample weighs the same).</summary>
    /// <param name="prediction">Predicted normalised velocity, (B, C, H, W).</param>
    /// <param name="target">True normalised velocity, same shape, dtype and device.</param>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, C, H, W).</exception>
    public static MetricValues Compute(Tensor prediction, Tensor target)
    {
        var samples = PerSample(prediction, target);
        return new MetricValues(samples.Average(s => s.Mae), samples.Average(s => s.Mse), samples.Average(s => s.Ssim));
    }

    /// <summary>MAE, MSE and SSIM of each sample of the batch.</summary>
    /// <inheritdoc cref="Compute" path="/param"/>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, C, H, W).</exception>
    public static MetricValues[] PerSample(Tensor prediction, Tensor target)
    {
        Validate(prediction, target);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (p, t) = (AsFloat(prediction), AsFloat(target));
        var diff = p - t;
        var mae = diff.abs().mean([1, 2, 3]).to(float64).cpu().data<double>().ToArray();
        var mse = diff.square().mean([1, 2, 3]).to(float64).cpu().data<double>().ToArray();
        var ssim = SsimMap(p, t).mean([1, 2, 3]).to(float64).cpu().data<double>().ToArray();
        var result = new MetricValues[mae.Length];
        for (int i = 0; i < result.Length; i++) result[i] = new MetricValues(mae[i], mse[i], ssim[i]);
        return result;
    }

    /// <summary>Mean absolute error over the whole batch, normalised units.</summary>
    /// <inheritdoc cref="Compute" path="/param"/>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, C, H, W).</exception>
    public static double Mae(Tensor prediction, Tensor target)
    {
        Validate(prediction, target);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return (AsFloat(prediction) - AsFloat(target)).abs().mean().to(float64).item<double>();
    }

    /// <summary>Mean squared error over the whole batch, normalised units squared.</summary>
    /// <inheritdoc cref="Compute" path="/param"/>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, C, H, W).</exception>
    public static double Mse(Tensor prediction, Tensor target)
    {
        Validate(prediction, target);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return (AsFloat(prediction) - AsFloat(target)).square().mean().to(float64).item<double>();
    }

    /// <summary>Root mean squared error over the whole batch, <c>sqrt(Mse)</c>, normalised units.</summary>
    /// <inheritdoc cref="Compute" path="/param"/>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, C, H, W).</exception>
    public static double Rmse(Tensor prediction, Tensor target) => Math.Sqrt(Mse(prediction, target));

    /// <summary>SSIM averaged over every pixel of the batch (equal to the mean of the per-sample SSIMs), as the
    /// reference's <c>size_average=True</c> reduction and the golden value <c>ssim</c>.</summary>
    /// <inheritdoc cref="Compute" path="/param"/>
    /// <exception cref="ArgumentException">The shapes differ or are not (B, C, H, W).</exception>
    public static double Ssim(Tensor prediction, Tensor target)
    {
        Validate(prediction, target);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return SsimMap(AsFloat(prediction), AsFloat(target)).mean().to(float64).item<double>();
    }

    /// <summary>The per-pixel SSIM map (B, C, H, W) of two normalised batches.</summary>
    private static Tensor SsimMap(Tensor prediction, Tensor target)
    {
        long channels = prediction.shape[1];
        var window = GaussianWindow(prediction.dtype, prediction.device).expand(channels, 1, SsimWindowSize, SsimWindowSize);
        var x = prediction / 2 + 0.5;
        var y = target / 2 + 0.5;
        Tensor Blur(Tensor z) => nn.functional.conv2d(z, window, padding: [SsimWindowSize / 2, SsimWindowSize / 2], groups: channels);

        var muX = Blur(x);
        var muY = Blur(y);
        var muXX = muX * muX;
        var muYY = muY * muY;
        var muXY = muX * muY;
        var sigmaXX = Blur(x * x) - muXX;
        var sigmaYY = Blur(y * y) - muYY;
        var sigmaXY = Blur(x * y) - muXY;
        return (2 * muXY + C1) * (2 * sigmaXY + C2) / ((muXX + muYY + C1) * (sigmaXX + sigmaYY + C2));
    }

    /// <summary>The normalised 11 x 11 Gaussian window as a (1, 1, 11, 11) tensor.</summary>
    private static Tensor GaussianWindow(ScalarType dtype, Device device)
    {
        var g = new double[SsimWindowSize];
        int centre = SsimWindowSize / 2;
        for (int i = 0; i < g.Length; i++) g[i] = Math.Exp(-(i - centre) * (i - centre) / (2 * SsimSigma * SsimSigma));
        double sum = g.Sum();
        var w = new double[SsimWindowSize * SsimWindowSize];
        for (int r = 0; r < SsimWindowSize; r++)
            for (int c = 0; c < SsimWindowSize; c++)
                w[r * SsimWindowSize + c] = g[r] / sum * (g[c] / sum);
        return tensor(w, [1, 1, SsimWindowSize, SsimWindowSize], dtype: dtype, device: device);
    }

    /// <summary>Half-precision inputs are promoted to float32 so the sums stay accurate.</summary>
    private static Tensor AsFloat(Tensor t) =>
        t.dtype is ScalarType.Float32 or ScalarType.Float64 ? t.detach() : t.detach().to(float32);

    private static void Validate(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (prediction.dim() != 4)
            throw new ArgumentException($"prediction must be (B, C, H, W); got shape ({string.Join(", ", prediction.shape)}).", nameof(prediction));
        if (!prediction.shape.SequenceEqual(target.shape))
            throw new ArgumentException($"prediction ({string.Join(", ", prediction.shape)}) and target ({string.Join(", ", target.shape)}) differ in shape.", nameof(target));
        if (prediction.shape.Any(d => d == 0))
            throw new ArgumentException($"prediction is empty: shape ({string.Join(", ", prediction.shape)}).", nameof(prediction));
        if (prediction.device_type != target.device_type || prediction.device_index != target.device_index)
            throw new ArgumentException($"prediction is on {prediction.device} but target is on {target.device}.", nameof(target));
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Corruption;

/// <summary>
/// Gaussian smoothing of images along their last two axes (H, W) with the conventions of scipy's
/// <c>ndimage.gaussian_filter</c>: standard deviation in pixels, kernel radius <c>int(truncate sigma + 0.5)</c>, weights
/// <c>exp(-x^2 / (2 sigma^2))</c> normalised to sum 1, and the mirror-reflect boundary <c>d c b a | a b c d | d c b a</c>
/// (repeated for radii larger than the image). Runs as two separable <c>conv2d</c> passes on the tensor's device and dtype.
/// </summary>
public static class GaussianSmoothing
{
    /// <summary>The scipy default truncation, 4 standard deviations.</summary>
    public const double DefaultTruncate = 4.0;

    /// <summary>The kernel radius scipy uses: <c>int(truncate * sigma + 0.5)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> is negative or not finite, or <paramref name="truncate"/> is not positive.</exception>
    public static int Radius(double sigma, double truncate = DefaultTruncate)
    {
        if (!(sigma >= 0) || !double.IsFinite(sigma))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be a finite number >= 0 (pixels).");
        if (!(truncate > 0) || !double.IsFinite(truncate))
            throw new ArgumentOutOfRangeException(nameof(truncate), truncate, "truncate must be a positive finite number.");
        return (int)(truncate * sigma + 0.5);
    }

    /// <summary>The normalised 1-D kernel, length <c>2 Radius + 1</c>, in float64.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> is negative or not finite, or <paramref name="truncate"/> is not positive.</exception>
    public static double[] Kernel(double sigma, double truncate = DefaultTruncate)
    {
        int r = Radius(sigma, truncate);
        var k = new double[2 * r + 1];
        if (sigma == 0)
        {
            k[r] = 1;
            return k;
        }
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += k[i + r] = Math.Exp(-0.5 / (sigma * sigma) * i * i);
        for (int i = 0; i < k.Length; i++) k[i] /= sum;
        return k;
    }

    /// <summary>Smooths <paramref name="x"/> along its last two axes.</summary>
    /// <param name="x">Images (..., H, W), at least 2-D, floating point (float64 reproduces scipy to about 1e-15).</param>
    /// <param name="sigma">Standard deviation in pixels (0 returns a copy).</param>
    /// <param name="truncate">Truncation in standard deviations. The default value is 4.</param>
    /// <returns>A new tensor with the shape, dtype and device of <paramref name="x"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> has fewer than two dimensions or is not floating point.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> or <paramref name="truncate"/> is out of range.</exception>
    public static Tensor Apply(Tensor x, double sigma, double truncate = DefaultTruncate)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() < 2)
            throw new ArgumentException($"x must have at least two dimensions (H, W); got shape [{string.Join(", ", x.shape)}].", nameof(x));
        if (!x.is_floating_point())
            throw new ArgumentException($"x must be floating point; got {x.dtype}.", nameof(x));
        var weights = Kernel(sigma, truncate);
        int r = weights.Length / 2;
        if (r == 0) return x.clone();

        using var scope = NewDisposeScope();
        long h = x.shape[^2], w = x.shape[^1];
        var planes = x.reshape(-1, 1, h, w);
        var kernel = torch.tensor(weights, dtype: ScalarType.Float64).to(x.dtype, x.device);

        // Along H: pad by mirrored rows (gathered by index, valid for any radius), then a (K x 1) correlation.
        var rows = planes.index_select(2, ReflectIndices(h, r, x.device));
        var smoothed = nn.functional.conv2d(rows, kernel.view(1, 1, -1, 1));
        // Along W, likewise.
        var cols = smoothed.index_select(3, ReflectIndices(w, r, x.device));
        smoothed = nn.functional.conv2d(cols, kernel.view(1, 1, 1, -1));
        return smoothed.reshape(x.shape).MoveToOuterDisposeScope();
    }

    /// <summary>Source index of each padded position under scipy's 'reflect' mode (period 2n, edge samples repeated).</summary>
    private static Tensor ReflectIndices(long n, int radius, Device device)
    {
        var idx = new long[n + 2 * radius];
        long period = 2 * n;
        for (long i = 0; i < idx.Length; i++)
        {
            long m = ((i - radius) % period + period) % period;
            idx[i] = m < n ? m : period - 1 - m;
        }
        return torch.tensor(idx, dtype: ScalarType.Int64, device: device);
    }
}

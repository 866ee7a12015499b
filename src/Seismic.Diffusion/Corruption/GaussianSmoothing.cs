using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Corruption;

/// <summary>
/// Gaussian smoothing of images along their last two axes (H, W) with the conventions of scipy's
/// <c>ndimage.gaussian_filter</c>: standard deviation in pixels, kernel radius <c>int(truncate sigma + 0.5)</c>, weights
/// <c>exp(-x^2 / (2 sigma^2))</c> normalised to sum 1, and the mirror-reflect boundary <c>d c b a | a b c d | d c b a</c>
/// (repeated for radii larger than the image). Runs as two matrix products (one per axis) on the tensor's device and dtype.
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
        // Each 1-D pass is a banded matrix with the mirrored taps folded in: y = M_H x M_W^T. A matmul beats a
        // one-channel conv2d with a long kernel on the CPU (about 3 ms instead of 160 ms for (8, 1, 64, 64), sigma 9)
        // and handles any radius.
        var mh = SmoothingMatrix(h, weights).to(x.dtype, x.device);
        var mw = h == w ? mh : SmoothingMatrix(w, weights).to(x.dtype, x.device);
        return torch.matmul(torch.matmul(mh, x), mw.t()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The (n x n) float64 matrix of one smoothing pass: row i holds the kernel taps at source indices i - r .. i + r,
    /// each mapped through scipy's 'reflect' extension (period 2n, edge samples repeated) and summed where they coincide.
    /// </summary>
    private static Tensor SmoothingMatrix(long n, double[] weights)
    {
        int r = weights.Length / 2;
        long period = 2 * n;
        var m = new double[n * n];
        for (long i = 0; i < n; i++)
        {
            for (int j = 0; j < weights.Length; j++)
            {
                long k = ((i + j - r) % period + period) % period;
                long src = k < n ? k : period - 1 - k;
                m[i * n + src] += weights[j];
            }
        }
        return torch.tensor(m, dtype: ScalarType.Float64).reshape(n, n);
    }
}

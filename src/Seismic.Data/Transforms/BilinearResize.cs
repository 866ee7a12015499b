namespace Seismic.Data.Transforms;

/// <summary>
/// Plain bilinear resizing of channel-first images, as PyTorch's <c>interpolate(mode="bilinear", align_corners=False,
/// antialias=False)</c>: half-pixel centres, source coordinate <c>(dst + 0.5) * in / out - 0.5</c> clamped at 0,
/// neighbours clamped at the border. Downsampling reads only the two nearest rows and columns (no antialiasing).
/// </summary>
public static class BilinearResize
{
    /// <summary>
    /// Resizes <paramref name="channels"/> images of <paramref name="inHeight"/> x <paramref name="inWidth"/> (C order)
    /// to <paramref name="outHeight"/> x <paramref name="outWidth"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive or a span has the wrong length.</exception>
    public static void Resize(ReadOnlySpan<float> source, int channels, int inHeight, int inWidth,
                              Span<float> destination, int outHeight, int outWidth)
    {
        if (channels <= 0 || inHeight <= 0 || inWidth <= 0 || outHeight <= 0 || outWidth <= 0)
            throw new ArgumentException($"sizes must be positive (channels {channels}, in {inHeight}x{inWidth}, out {outHeight}x{outWidth})");
        if (source.Length != (long)channels * inHeight * inWidth)
            throw new ArgumentException($"source has {source.Length} elements, expected {channels}x{inHeight}x{inWidth}", nameof(source));
        if (destination.Length != (long)channels * outHeight * outWidth)
            throw new ArgumentException($"destination has {destination.Length} elements, expected {channels}x{outHeight}x{outWidth}", nameof(destination));

        var rows = Axis.Create(inHeight, outHeight);
        var cols = Axis.Create(inWidth, outWidth);
        for (int c = 0; c < channels; c++)
        {
            var src = source.Slice(c * inHeight * inWidth, inHeight * inWidth);
            var dst = destination.Slice(c * outHeight * outWidth, outHeight * outWidth);
            for (int y = 0; y < outHeight; y++)
            {
                var r0 = src.Slice(rows.Lo[y] * inWidth, inWidth);
                var r1 = src.Slice(rows.Hi[y] * inWidth, inWidth);
                InterpolateRow(r0, r1, rows.Weight[y], cols, dst.Slice(y * outWidth, outWidth));
            }
        }
    }

    /// <summary>Blends two source rows vertically with weight <paramref name="wy"/> on <paramref name="r1"/>, then resamples horizontally.</summary>
    internal static void InterpolateRow(ReadOnlySpan<float> r0, ReadOnlySpan<float> r1, float wy, in Axis cols, Span<float> dst)
    {
        float wy0 = 1f - wy;
        for (int x = 0; x < dst.Length; x++)
        {
            int c0 = cols.Lo[x], c1 = cols.Hi[x];
            float wx = cols.Weight[x], wx0 = 1f - wx;
            dst[x] = wy0 * (wx0 * r0[c0] + wx * r0[c1]) + wy * (wx0 * r1[c0] + wx * r1[c1]);
        }
    }

    /// <summary>For each output index along one axis: the two source indices and the weight of the second.</summary>
    internal readonly struct Axis
    {
        public readonly int[] Lo;
        public readonly int[] Hi;
        public readonly float[] Weight;

        private Axis(int n)
        {
            Lo = new int[n];
            Hi = new int[n];
            Weight = new float[n];
        }

        public static Axis Create(int inSize, int outSize)
        {
            var a = new Axis(outSize);
            // PyTorch computes the scale and source coordinate in float for float inputs; do the same to match it.
            float scale = (float)inSize / outSize;
            for (int i = 0; i < outSize; i++)
            {
                float s = MathF.Max((i + 0.5f) * scale - 0.5f, 0f);
                int lo = Math.Min((int)s, inSize - 1);
                a.Lo[i] = lo;
                a.Hi[i] = Math.Min(lo + 1, inSize - 1);
                a.Weight[i] = s - lo;
            }
            return a;
        }
    }
}

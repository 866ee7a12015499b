using Seismic.Data.OpenFwi;

namespace Seismic.Data.Transforms;

/// <summary>
/// Turns one raw OpenFWI sample into what the model sees: normalised (<see cref="OpenFwiNormalization"/>), then
/// bilinearly resized (<see cref="BilinearResize"/>) to S x S: seismic (ns, nt, ng) -> (ns, S, S), velocity
/// (1, n_grid, n_grid) -> (1, S, S). Because the resize reads only two source rows per output row, only those rows
/// are normalised (the result equals normalising everything first). Immutable and thread-safe.
/// </summary>
public sealed class SampleTransform
{
    private readonly BilinearResize.Axis _seisRows, _seisCols, _velRows, _velCols;

    /// <summary>Creates the transform for one dataset and image size.</summary>
    /// <param name="info">The dataset's bounds and shapes.</param>
    /// <param name="imageSize">S, the side of the square output in pixels; a positive multiple of 8.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="imageSize"/> is not a positive multiple of 8.</exception>
    public SampleTransform(OpenFwiDataset info, int imageSize)
    {
        ValidateImageSize(imageSize);
        Normalization = new OpenFwiNormalization(info);
        ImageSize = imageSize;
        _seisRows = BilinearResize.Axis.Create(info.Nt, imageSize);
        _seisCols = BilinearResize.Axis.Create(info.Ng, imageSize);
        _velRows = BilinearResize.Axis.Create(info.NGrid, imageSize);
        _velCols = BilinearResize.Axis.Create(info.NGrid, imageSize);
    }

    /// <summary>The normalisation applied.</summary>
    public OpenFwiNormalization Normalization { get; }

    /// <summary>The dataset's bounds and shapes.</summary>
    public OpenFwiDataset Info => Normalization.Info;

    /// <summary>S, the output side in pixels.</summary>
    public int ImageSize { get; }

    /// <summary>Elements of one transformed velocity map: 1 x S x S.</summary>
    public int VelocityLength => ImageSize * ImageSize;

    /// <summary>Elements of one transformed seismic sample: ns x S x S.</summary>
    public int SeismicLength => Info.Ns * ImageSize * ImageSize;

    /// <summary>Raw elements of one seismic sample: ns x nt x ng.</summary>
    public int RawSeismicLength => Info.Ns * Info.Nt * Info.Ng;

    /// <summary>Raw elements of one velocity sample: n_grid x n_grid.</summary>
    public int RawVelocityLength => Info.NGrid * Info.NGrid;

    /// <summary>
    /// The largest S accepted: one OpenFWI sample (1 + 5 channels of S x S float32) then takes 384 MiB, far more than
    /// any model trains on (the reference uses 256), and the sizes of records and batches stay within 32-bit counts.
    /// </summary>
    public const int MaxImageSize = 4096;

    /// <summary>Checks that S is a positive multiple of 8 (the U-Net halves it three times) and at most <see cref="MaxImageSize"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not; the message says the memory one sample would need.</exception>
    public static void ValidateImageSize(int imageSize)
    {
        if (imageSize <= 0 || imageSize % 8 != 0)
            throw new ArgumentOutOfRangeException(null, $"image size must be a positive multiple of 8 (e.g. 64, 128, 256); got {imageSize}.");
        if (imageSize > MaxImageSize)
            throw new ArgumentOutOfRangeException(null,
                $"image size must be at most {MaxImageSize}; got {imageSize}, at which one sample (6 channels of {imageSize} x {imageSize} float32) " +
                $"takes {24.0 * imageSize * imageSize / (1L << 30):0.#} GiB.");
    }

    /// <summary>Normalises and resizes raw seismic data (ns, nt, ng) into <paramref name="destination"/> (ns, S, S).</summary>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void TransformSeismic(ReadOnlySpan<float> raw, Span<float> destination)
    {
        Check(raw.Length, RawSeismicLength, destination.Length, SeismicLength);
        int nt = Info.Nt, ng = Info.Ng, s = ImageSize;
        Span<float> r0 = ng <= 512 ? stackalloc float[ng] : new float[ng];
        Span<float> r1 = ng <= 512 ? stackalloc float[ng] : new float[ng];
        for (int c = 0; c < Info.Ns; c++)
        {
            var src = raw.Slice(c * nt * ng, nt * ng);
            for (int y = 0; y < s; y++)
            {
                Normalization.NormalizeSeismic(src.Slice(_seisRows.Lo[y] * ng, ng), r0);
                Normalization.NormalizeSeismic(src.Slice(_seisRows.Hi[y] * ng, ng), r1);
                BilinearResize.InterpolateRow(r0, r1, _seisRows.Weight[y], _seisCols, destination.Slice((c * s + y) * s, s));
            }
        }
    }

    /// <summary>Normalises and resizes a raw velocity map (1, n_grid, n_grid) in m/s into <paramref name="destination"/> (1, S, S).</summary>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void TransformVelocity(ReadOnlySpan<float> raw, Span<float> destination)
    {
        Check(raw.Length, RawVelocityLength, destination.Length, VelocityLength);
        int n = Info.NGrid, s = ImageSize;
        Span<float> r0 = n <= 512 ? stackalloc float[n] : new float[n];
        Span<float> r1 = n <= 512 ? stackalloc float[n] : new float[n];
        for (int y = 0; y < s; y++)
        {
            Normalization.NormalizeVelocity(raw.Slice(_velRows.Lo[y] * n, n), r0);
            Normalization.NormalizeVelocity(raw.Slice(_velRows.Hi[y] * n, n), r1);
            BilinearResize.InterpolateRow(r0, r1, _velRows.Weight[y], _velCols, destination.Slice(y * s, s));
        }
    }

    private static void Check(int raw, int rawExpected, int dst, int dstExpected)
    {
        if (raw != rawExpected) throw new ArgumentException($"raw sample has {raw} elements, expected {rawExpected}");
        if (dst != dstExpected) throw new ArgumentException($"destination has {dst} elements, expected {dstExpected}");
    }
}

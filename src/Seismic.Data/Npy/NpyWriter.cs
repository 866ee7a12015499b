using System.Runtime.InteropServices;
using Seismic.Data.IO;

namespace Seismic.Data.Npy;

/// <summary>Writes little-endian, C-ordered <c>.npy</c> files (format version 1), atomically.</summary>
public static class NpyWriter
{
    /// <summary>Writes a float32 array of the given <paramref name="shape"/> to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The data length is not the product of the shape.</exception>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<int> shape) =>
        Write(path, MemoryMarshal.AsBytes(data), data.Length, NpyDType.Float32, shape);

    /// <summary>Writes a float64 array of the given <paramref name="shape"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, ReadOnlySpan<double> data, ReadOnlySpan<int> shape) =>
        Write(path, MemoryMarshal.AsBytes(data), data.Length, NpyDType.Float64, shape);

    /// <summary>Writes an int32 array of the given <paramref name="shape"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, ReadOnlySpan<int> data, ReadOnlySpan<int> shape) =>
        Write(path, MemoryMarshal.AsBytes(data), data.Length, NpyDType.Int32, shape);

    /// <summary>Writes a float32 array to <paramref name="stream"/> (not atomic; for composing larger writers).</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        CheckShape(data.Length, shape);
        stream.Write(NpyHeader.Encode(NpyDType.Float32, shape));
        stream.Write(MemoryMarshal.AsBytes(data));
    }

    /// <summary>
    /// Writes only the header of a float32 array of the given <paramref name="shape"/>; the caller then streams the
    /// elements in C order (for files too large to hold at once, such as a 500-sample OpenFWI data file).
    /// </summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension.</exception>
    public static void WriteFloat32Header(Stream stream, ReadOnlySpan<int> shape)
    {
        foreach (var d in shape)
            if (d < 0) throw new ArgumentException($"shape has a negative dimension {d}", nameof(shape));
        stream.Write(NpyHeader.Encode(NpyDType.Float32, shape));
    }

    private static void Write(string path, ReadOnlySpan<byte> bytes, int length, NpyDType dtype, ReadOnlySpan<int> shape)
    {
        CheckShape(length, shape);
        var header = NpyHeader.Encode(dtype, shape);
        // The span cannot be captured by the lambda; write header and data through a pinned copy-free path.
        unsafe
        {
            fixed (byte* p = bytes)
            {
                var ptr = (IntPtr)p;
                int n = bytes.Length;
                AtomicFile.Write(path, s =>
                {
                    s.Write(header);
                    s.Write(new ReadOnlySpan<byte>((void*)ptr, n));
                });
            }
        }
    }

    private static void CheckShape(int length, ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"shape has a negative dimension {d}", nameof(shape));
            count *= d;
        }
        if (count != length)
            throw new ArgumentException($"data has {length} elements but shape ({string.Join(", ", shape.ToArray())}) needs {count}", nameof(shape));
    }
}

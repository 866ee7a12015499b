using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Seismic.Data.Npy;

/// <summary>
/// A read-only, memory-mapped <c>.npy</c> file. <c>&lt;f4</c> data is exposed without copying
/// (<see cref="GetFloat32Span"/>); other supported types are converted to float32 by <see cref="ReadFloat32"/>.
/// Thread-safe for concurrent reads. Dispose to unmap.
/// </summary>
public sealed unsafe class NpyFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _data;
    private bool _disposed;

    private NpyFile(string path, NpyHeader header, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePtr)
    {
        FilePath = path;
        Header = header;
        _map = map;
        _view = view;
        _data = basePtr == null ? null : basePtr + header.DataOffset;
    }

    /// <summary>The file this array was read from.</summary>
    public string FilePath { get; }

    /// <summary>The parsed header.</summary>
    public NpyHeader Header { get; }

    /// <summary>The array shape (C order).</summary>
    public IReadOnlyList<int> Shape => Header.Shape;

    /// <summary>The element type.</summary>
    public NpyDType DType => Header.DType;

    /// <summary>Number of elements.</summary>
    public long ElementCount => Header.ElementCount;

    /// <summary>Reads only the header of <paramref name="path"/> (cheap; used for discovery and validation).</summary>
    /// <exception cref="NpyFormatException">The file is not a readable .npy file; the message names it.</exception>
    public static NpyHeader ReadHeader(string path)
    {
        using var stream = OpenStream(path);
        var header = NpyHeader.Read(stream, path);
        CheckLength(path, header, stream.Length);
        return header;
    }

    /// <summary>Opens and memory-maps <paramref name="path"/> after validating its header against the file length.</summary>
    /// <exception cref="NpyFormatException">The file is not a readable .npy file; the message names it and the problem.</exception>
    public static NpyFile Open(string path)
    {
        NpyHeader header;
        long length;
        using (var stream = OpenStream(path))
        {
            header = NpyHeader.Read(stream, path);
            length = stream.Length;
        }
        CheckLength(path, header, length);
        if (header.DataBytes == 0)
            return new NpyFile(path, header, null, null, null);

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* ptr = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref ptr);
            return new NpyFile(path, header, map, view, ptr + view.PointerOffset);
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    /// <summary>Reads a whole file into a float32 array (converting other element types).</summary>
    public static float[] ReadAllFloat32(string path, out int[] shape)
    {
        using var file = Open(path);
        shape = [.. file.Shape];
        var result = new float[file.ElementCount];
        file.ReadFloat32(0, result);
        return result;
    }

    /// <summary>Reads a whole file into a float64 array (converting other element types).</summary>
    public static double[] ReadAllFloat64(string path, out int[] shape)
    {
        using var file = Open(path);
        shape = [.. file.Shape];
        var result = new double[file.ElementCount];
        file.ReadFloat64(0, result);
        return result;
    }

    /// <summary>
    /// A zero-copy view of <paramref name="count"/> float32 elements starting at element <paramref name="start"/>.
    /// Valid until the file is disposed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file's dtype is not <c>&lt;f4</c>; use <see cref="ReadFloat32"/>.</exception>
    public ReadOnlySpan<float> GetFloat32Span(long start, int count)
    {
        if (DType != NpyDType.Float32)
            throw new InvalidOperationException($"{FilePath}: dtype is {DType}, not float32; use ReadFloat32 to convert.");
        CheckRange(start, count);
        return new ReadOnlySpan<float>((float*)_data + start, count);
    }

    /// <summary>Copies elements starting at <paramref name="start"/> into <paramref name="destination"/>, converting to float32.</summary>
    public void ReadFloat32(long start, Span<float> destination)
    {
        CheckRange(start, destination.Length);
        int n = destination.Length;
        byte* p = _data + start * Header.ItemSize;
        switch (DType)
        {
            case NpyDType.Float32: new ReadOnlySpan<float>(p, n).CopyTo(destination); break;
            case NpyDType.Float64: Convert(new ReadOnlySpan<double>(p, n), destination, static v => (float)v); break;
            case NpyDType.Int8: Convert(new ReadOnlySpan<sbyte>(p, n), destination, static v => v); break;
            case NpyDType.Int16: Convert(new ReadOnlySpan<short>(p, n), destination, static v => v); break;
            case NpyDType.Int32: Convert(new ReadOnlySpan<int>(p, n), destination, static v => v); break;
            case NpyDType.Int64: Convert(new ReadOnlySpan<long>(p, n), destination, static v => v); break;
            case NpyDType.UInt8: Convert(new ReadOnlySpan<byte>(p, n), destination, static v => v); break;
            case NpyDType.UInt16: Convert(new ReadOnlySpan<ushort>(p, n), destination, static v => v); break;
            case NpyDType.UInt32: Convert(new ReadOnlySpan<uint>(p, n), destination, static v => v); break;
            default: Convert(new ReadOnlySpan<ulong>(p, n), destination, static v => v); break;
        }
    }

    /// <summary>Copies elements starting at <paramref name="start"/> into <paramref name="destination"/>, converting to float64.</summary>
    public void ReadFloat64(long start, Span<double> destination)
    {
        CheckRange(start, destination.Length);
        int n = destination.Length;
        byte* p = _data + start * Header.ItemSize;
        switch (DType)
        {
            case NpyDType.Float64: new ReadOnlySpan<double>(p, n).CopyTo(destination); break;
            case NpyDType.Float32: Convert(new ReadOnlySpan<float>(p, n), destination, static v => v); break;
            case NpyDType.Int8: Convert(new ReadOnlySpan<sbyte>(p, n), destination, static v => v); break;
            case NpyDType.Int16: Convert(new ReadOnlySpan<short>(p, n), destination, static v => v); break;
            case NpyDType.Int32: Convert(new ReadOnlySpan<int>(p, n), destination, static v => v); break;
            case NpyDType.Int64: Convert(new ReadOnlySpan<long>(p, n), destination, static v => v); break;
            case NpyDType.UInt8: Convert(new ReadOnlySpan<byte>(p, n), destination, static v => v); break;
            case NpyDType.UInt16: Convert(new ReadOnlySpan<ushort>(p, n), destination, static v => v); break;
            case NpyDType.UInt32: Convert(new ReadOnlySpan<uint>(p, n), destination, static v => v); break;
            default: Convert(new ReadOnlySpan<ulong>(p, n), destination, static v => v); break;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }

    private void CheckRange(long start, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (start < 0 || count < 0 || start + count > ElementCount)
            throw new ArgumentOutOfRangeException(nameof(start),
                $"{FilePath}: elements [{start}, {start + count}) are outside the array of {ElementCount} elements.");
    }

    private static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> from, Span<TTo> to, Func<TFrom, TTo> f)
    {
        for (int i = 0; i < from.Length; i++) to[i] = f(from[i]);
    }

    private static FileStream OpenStream(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (FileNotFoundException)
        {
            throw new NpyFormatException(path, "file not found");
        }
        catch (DirectoryNotFoundException)
        {
            throw new NpyFormatException(path, "folder not found");
        }
    }

    private static void CheckLength(string path, NpyHeader header, long fileLength)
    {
        long expected = header.DataOffset + header.DataBytes;
        if (fileLength < expected)
            throw new NpyFormatException(path,
                $"truncated data: shape ({string.Join(", ", header.Shape)}) of {header.DType} needs {header.DataBytes} bytes, " +
                $"the file holds {Math.Max(0, fileLength - header.DataOffset)}");
        if (fileLength > expected)
            throw new NpyFormatException(path,
                $"size mismatch: shape ({string.Join(", ", header.Shape)}) of {header.DType} needs {header.DataBytes} bytes, " +
                $"the file holds {fileLength - header.DataOffset} (extra trailing bytes)");
    }
}

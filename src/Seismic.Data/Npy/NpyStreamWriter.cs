using System.Runtime.InteropServices;
using Seismic.Data.IO;

namespace Seismic.Data.Npy;

/// <summary>
/// Writes a float32 <c>.npy</c> file of a known shape piece by piece, so arrays larger than memory (an N x K ensemble)
/// never have to be held at once. The elements go to a temporary file next to the target; <see cref="Complete"/>
/// checks that every element arrived and renames it over the target, so readers only ever see a whole file.
/// Disposing without <see cref="Complete"/> deletes the temporary file and leaves any previous target untouched.
/// </summary>
/// <example>
/// <code>
/// using var writer = new NpyStreamWriter("ensemble.npy", [n, k, 1, s, s]);
/// foreach (var batch in batches) writer.Append(batch.Members);   // C order
/// writer.Complete();
/// </code>
/// </example>
public sealed class NpyStreamWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temp;
    private FileStream? _stream;

    /// <summary>Starts the file: creates the folder and a temporary file holding the header.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="shape">The shape of the whole array.</param>
    /// <exception cref="ArgumentException">The shape has a negative dimension.</exception>
    public NpyStreamWriter(string path, ReadOnlySpan<int> shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"shape has a negative dimension {d}", nameof(shape));
            count *= d;
        }
        Length = count;
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _temp = AtomicFile.TempPathFor(_path);
        _stream = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        NpyWriter.WriteFloat32Header(_stream, shape);
    }

    /// <summary>Elements the shape holds.</summary>
    public long Length { get; }

    /// <summary>Elements appended so far.</summary>
    public long Written { get; private set; }

    /// <summary>Appends the next elements in C order.</summary>
    /// <exception cref="InvalidOperationException">More elements than the shape holds, or the file is already complete.</exception>
    public void Append(ReadOnlySpan<float> values)
    {
        var stream = _stream ?? throw new InvalidOperationException($"{_path}: the file is already complete or abandoned.");
        if (Written + values.Length > Length)
            throw new InvalidOperationException($"{_path}: {Written + values.Length} elements appended, but the shape holds {Length}.");
        stream.Write(MemoryMarshal.AsBytes(values));
        Written += values.Length;
    }

    /// <summary>Flushes the file to disk and renames it over the target.</summary>
    /// <exception cref="InvalidOperationException">Fewer elements were appended than the shape holds (the file is abandoned).</exception>
    public void Complete()
    {
        var stream = _stream ?? throw new InvalidOperationException($"{_path}: the file is already complete or abandoned.");
        if (Written != Length)
        {
            Dispose();
            throw new InvalidOperationException($"{_path}: only {Written} of {Length} elements were written; the file was not created.");
        }
        stream.Flush(flushToDisk: true);
        stream.Dispose();
        _stream = null;
        File.Move(_temp, _path, overwrite: true);
    }

    /// <summary>Abandons an incomplete file (deletes the temporary file); does nothing after <see cref="Complete"/>.</summary>
    public void Dispose()
    {
        if (_stream is null) return;
        _stream.Dispose();
        _stream = null;
        try { File.Delete(_temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

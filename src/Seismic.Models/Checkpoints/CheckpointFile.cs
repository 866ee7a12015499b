using System.IO.Hashing;
using System.Text;
using Seismic.Data.IO;

namespace Seismic.Models.Checkpoints;

/// <summary>
/// The checkpoint container: a small binary file of named sections, written atomically.
/// <para>Layout (little-endian): the 8 ASCII bytes <c>SI2SBCKP</c>, int32 format version, int32 section count,
/// then per section a length-prefixed UTF-8 name, an int64 byte length, the bytes and (from version 2) a uint64
/// XxHash3 checksum of the bytes, verified on every read. Sections written by the trainer: <c>spec</c> (JSON: the
/// <see cref="ModelSpec"/>; absent in files written before it existed), <c>meta</c> (JSON: iteration, training options,
/// learning rate, loss history), <c>model</c>, <c>ema</c>, <c>optimizer</c> (TorchSharp's own formats). Version 1 files
/// (no checksums) still load. Sampling reads only <c>spec</c>, <c>model</c> and <c>ema</c>.</para>
/// </summary>
internal static class CheckpointFile
{
    private static readonly byte[] Magic = "SI2SBCKP"u8.ToArray();

    /// <summary>The container version this build writes (it reads 1 and 2).</summary>
    public const int FormatVersion = 2;

    /// <summary>Writes the sections to <paramref name="path"/> atomically: a crash mid-save leaves the previous file intact.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="sections">Section names with writers of their content.</param>
    public static void Save(string path, IReadOnlyList<(string Name, Action<BinaryWriter> Write)> sections)
    {
        // Serialise each section to memory first so a failing writer never produces a partial file.
        var blobs = new List<(string, byte[])>(sections.Count);
        foreach (var (name, write) in sections)
        {
            using var ms = new MemoryStream();
            using (var bw = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) write(bw);
            blobs.Add((name, ms.ToArray()));
        }
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(blobs.Count);
            foreach (var (name, bytes) in blobs)
            {
                w.Write(name);
                w.Write((long)bytes.LongLength);
                w.Write(bytes);
                w.Write(XxHash3.HashToUInt64(bytes));
            }
        });
    }

    /// <summary>Reads every section of <paramref name="path"/>, verifying their checksums.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, has another format version, is truncated or a
    /// section's checksum does not match; the message names the file (and the section).</exception>
    public static IReadOnlyDictionary<string, byte[]> Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: checkpoint not found", path);
        using var stream = File.OpenRead(path);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            var magic = r.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException($"{path}: not a Seismic.I2sb checkpoint (bad magic)");
            int version = r.ReadInt32();
            if (version is not (1 or FormatVersion))
                throw new InvalidDataException($"{path}: checkpoint format version {version} is not supported (this build reads 1 and {FormatVersion})");
            int count = r.ReadInt32();
            if (count is < 0 or > 1024) throw new InvalidDataException($"{path}: corrupt checkpoint (section count {count})");
            var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                var name = r.ReadString();
                long length = r.ReadInt64();
                if (length < 0 || length > stream.Length - stream.Position)
                    throw new InvalidDataException($"{path}: truncated or corrupt checkpoint (section '{name}' needs {length} bytes)");
                var bytes = r.ReadBytes((int)length);
                if (version >= 2 && r.ReadUInt64() != XxHash3.HashToUInt64(bytes))
                    throw new InvalidDataException($"{path}: corrupt checkpoint: section '{name}' ({Describe(name)}) fails its checksum");
                result[name] = bytes;
            }
            if (stream.Position != stream.Length)
                throw new InvalidDataException($"{path}: corrupt checkpoint ({stream.Length - stream.Position} bytes after the last section)");
            return result;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: truncated checkpoint");
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"{path}: corrupt checkpoint (unreadable section name)");
        }
    }

    private static string Describe(string section) => section switch
    {
        "spec" => "model specification",
        "meta" => "iteration, options and loss history",
        "model" => "network weights",
        "ema" => "EMA weights",
        "optimizer" => "optimiser state",
        _ => "unknown section",
    };

    /// <summary>
    /// Reads section <paramref name="name"/> with <paramref name="read"/>; whatever the reader throws on malformed bytes
    /// (possible in version 1 files, which have no checksum) becomes an <see cref="InvalidDataException"/> naming file and section.
    /// </summary>
    public static void ReadSection(this IReadOnlyDictionary<string, byte[]> sections, string name, string path, Action<BinaryReader> read)
    {
        using var r = new BinaryReader(new MemoryStream(sections.Require(name, path)), Encoding.UTF8);
        try
        {
            read(r);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or ArgumentException or IOException or OverflowException
                                      or InvalidOperationException or System.Runtime.InteropServices.ExternalException or Seismic.Models.StateDictException)
        {
            throw new InvalidDataException($"{path}: section '{name}' ({Describe(name)}) cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Returns a section or throws naming the file and the missing section.</summary>
    public static byte[] Require(this IReadOnlyDictionary<string, byte[]> sections, string name, string path) =>
        sections.TryGetValue(name, out var bytes) ? bytes
            : throw new InvalidDataException($"{path}: checkpoint has no '{name}' section");
}

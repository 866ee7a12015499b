using System.Text;
using Seismic.Data.IO;

namespace Seismic.Training.Checkpoints;

/// <summary>
/// The checkpoint container: a small binary file of named sections, written atomically.
/// <para>Layout (little-endian): the 8 ASCII bytes <c>SI2SBCKP</c>, int32 format version, int32 section count,
/// then per section a length-prefixed UTF-8 name, an int64 byte length and the bytes. Sections written by the
/// trainer: <c>meta</c> (JSON: iteration, options, learning rate, loss history), <c>model</c>, <c>ema</c>,
/// <c>optimizer</c> (TorchSharp's own formats), <c>rng</c> (torch generator state).</para>
/// </summary>
public static class CheckpointFile
{
    private static readonly byte[] Magic = "SI2SBCKP"u8.ToArray();

    /// <summary>The container version this build writes and reads.</summary>
    public const int FormatVersion = 1;

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
            }
        });
    }

    /// <summary>Reads every section of <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, has another format version, or is truncated; the message names the file.</exception>
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
            if (version != FormatVersion)
                throw new InvalidDataException($"{path}: checkpoint format version {version} is not supported (this build reads {FormatVersion})");
            int count = r.ReadInt32();
            if (count is < 0 or > 1024) throw new InvalidDataException($"{path}: corrupt checkpoint (section count {count})");
            var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                var name = r.ReadString();
                long length = r.ReadInt64();
                if (length < 0 || length > stream.Length - stream.Position)
                    throw new InvalidDataException($"{path}: truncated checkpoint (section '{name}' needs {length} bytes)");
                result[name] = r.ReadBytes((int)length);
            }
            return result;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: truncated checkpoint");
        }
    }

    /// <summary>Returns a section or throws naming the file and the missing section.</summary>
    public static byte[] Require(this IReadOnlyDictionary<string, byte[]> sections, string name, string path) =>
        sections.TryGetValue(name, out var bytes) ? bytes
            : throw new InvalidDataException($"{path}: checkpoint has no '{name}' section");
}

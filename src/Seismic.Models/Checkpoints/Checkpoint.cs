using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Seismic.Models.Checkpoints;

/// <summary>
/// A checkpoint file read into memory: named sections of bytes, each verified against its checksum (docs/checkpoints.md
/// describes the layout byte by byte and reads one from Python). The container gives no section a meaning; each
/// layer reads and writes its own: Seismic.Models the <see cref="SpecSection"/>, <see cref="ModelSection"/> and
/// <see cref="EmaSection"/> (<see cref="BridgeModel.Load(Checkpoint, TorchSharp.torch.Device)"/>,
/// <see cref="BridgeModel.WriteTo"/>), Seismic.Training its <c>meta</c> and <c>optimizer</c> sections, and an
/// application may add sections of its own (<see cref="CheckpointWriter"/>); readers ignore sections they do not know.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>The container version this build writes; it reads versions 1 (no checksums) and 2.</summary>
    public const int FormatVersion = 2;

    /// <summary>Section holding the <see cref="ModelSpec"/> as JSON (absent in files written before it existed).</summary>
    public const string SpecSection = "spec";

    /// <summary>Section holding the network's weights (TorchSharp's module format).</summary>
    public const string ModelSection = "model";

    /// <summary>Section holding the EMA weights (this library's tensor dictionary format).</summary>
    public const string EmaSection = "ema";

    internal static ReadOnlySpan<byte> Magic => "SI2SBCKP"u8;

    /// <summary>JSON settings of every JSON section: enums by name, indented, so that files read well by eye and from Python.</summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly Dictionary<string, byte[]> _sections;

    private Checkpoint(string path, int version, Dictionary<string, byte[]> sections) =>
        (Path, Version, _sections) = (path, version, sections);

    /// <summary>The file it was read from (error messages name it).</summary>
    public string Path { get; }

    /// <summary>The container version of the file (1 or 2).</summary>
    public int Version { get; }

    /// <summary>The names of the sections, in file order.</summary>
    public IReadOnlyCollection<string> SectionNames => _sections.Keys;

    /// <summary>Reads every section of <paramref name="path"/>, verifying their checksums.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, has an unknown format version, is truncated or a
    /// section's checksum does not match; the message names the file (and the section).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Checkpoint Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: checkpoint not found", path);
        using var stream = File.OpenRead(path);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException($"{path}: not a Seismic.I2sb checkpoint (bad magic)");
            int version = r.ReadInt32();
            if (version is not (1 or FormatVersion))
                throw new InvalidDataException($"{path}: checkpoint format version {version} is not supported (this build reads 1 and {FormatVersion})");
            int count = r.ReadInt32();
            if (count is < 0 or > 1024) throw new InvalidDataException($"{path}: corrupt checkpoint (section count {count})");
            var sections = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                var name = r.ReadString();
                long length = r.ReadInt64();
                if (length < 0 || length > stream.Length - stream.Position)
                    throw new InvalidDataException($"{path}: truncated or corrupt checkpoint (section '{name}' needs {length} bytes)");
                var bytes = r.ReadBytes((int)length);
                if (version >= 2 && r.ReadUInt64() != XxHash3.HashToUInt64(bytes))
                    throw new InvalidDataException($"{path}: corrupt checkpoint: {Describe(name)} fails its checksum");
                sections[name] = bytes;
            }
            if (stream.Position != stream.Length)
                throw new InvalidDataException($"{path}: corrupt checkpoint ({stream.Length - stream.Position} bytes after the last section)");
            return new Checkpoint(path, version, sections);
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

    /// <summary>True when the checkpoint has a section called <paramref name="name"/>.</summary>
    /// <param name="name">The section's name.</param>
    public bool Contains(string name) => _sections.ContainsKey(name);

    /// <summary>The bytes of section <paramref name="name"/>.</summary>
    /// <param name="name">The section's name.</param>
    /// <exception cref="InvalidDataException">There is no such section; the message names the file and the section.</exception>
    public ReadOnlyMemory<byte> Section(string name) => Require(name);

    /// <summary>
    /// Reads section <paramref name="name"/> with <paramref name="read"/>; whatever the reader throws on malformed bytes
    /// (possible in version 1 files, which have no checksums) becomes an <see cref="InvalidDataException"/> naming the
    /// file and the section.
    /// </summary>
    /// <param name="name">The section's name.</param>
    /// <param name="read">Reads the section's bytes.</param>
    /// <exception cref="InvalidDataException">The section is missing or <paramref name="read"/> fails on its bytes.</exception>
    public void ReadSection(string name, Action<BinaryReader> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        using var r = new BinaryReader(new MemoryStream(Require(name), writable: false), Encoding.UTF8);
        try
        {
            read(r);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or ArgumentException or IOException or OverflowException
                                      or InvalidOperationException or System.Runtime.InteropServices.ExternalException or StateDictException)
        {
            throw new InvalidDataException($"{Path}: {Describe(name)} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Deserialises a JSON section (enums by name); members the type does not have are ignored.</summary>
    /// <typeparam name="T">The type the section holds (or the part of it the caller needs).</typeparam>
    /// <param name="name">The section's name.</param>
    /// <exception cref="InvalidDataException">The section is missing, empty or not valid JSON for <typeparamref name="T"/>; the message names the file and the section.</exception>
    public T ReadJson<T>(string name) where T : class
    {
        var bytes = Require(name);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json) ?? throw new InvalidDataException($"{Path}: {Describe(name)} is empty");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"{Path}: {Describe(name)} is not valid ({e.Message})", e);
        }
    }

    /// <summary>
    /// The model spec: the <see cref="SpecSection"/>, or, in files written before it existed, the spec rebuilt from the
    /// flat options those files kept in their <c>meta</c> section.
    /// </summary>
    /// <exception cref="InvalidDataException">Neither is readable; the message names the file and the section.</exception>
    public ModelSpec ReadSpec()
    {
        if (Contains(SpecSection)) return ReadJson<ModelSpec>(SpecSection);
        var meta = ReadJson<LegacyMeta>("meta");
        return (meta.Options ?? throw new InvalidDataException($"{Path}: checkpoint section 'meta' holds no options")).ToSpec(Path);
    }

    private byte[] Require(string name) =>
        _sections.TryGetValue(name, out var bytes) ? bytes : throw new InvalidDataException($"{Path}: checkpoint has no '{name}' section");

    /// <summary>How error messages name a section: its name, and what it holds when it is one of this layer's.</summary>
    private static string Describe(string section) => section switch
    {
        SpecSection => "section 'spec' (model specification)",
        ModelSection => "section 'model' (network weights)",
        EmaSection => "section 'ema' (EMA weights)",
        _ => $"section '{section}'",
    };

    private sealed class LegacyMeta
    {
        public LegacySpecOptions? Options { get; set; }
    }
}

/// <summary>
/// Composes a checkpoint from sections and writes it atomically: each section is serialised to memory first, so a
/// failing writer never leaves a partial file, and the file is replaced by a rename, so a crash mid-save leaves the
/// previous one intact.
/// </summary>
public sealed class CheckpointWriter
{
    private readonly List<(string Name, byte[] Bytes)> _sections = [];

    /// <summary>Adds a section whose bytes <paramref name="write"/> produces.</summary>
    /// <param name="name">The section's name (unique within the file).</param>
    /// <param name="write">Writes the section's content.</param>
    /// <exception cref="ArgumentException">The name is empty or already taken.</exception>
    public CheckpointWriter Add(string name, Action<BinaryWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) write(w);
        return Add(name, ms.ToArray());
    }

    /// <summary>Adds a section holding <paramref name="content"/> as it is (to copy a section of another checkpoint, say).</summary>
    /// <param name="name">The section's name (unique within the file).</param>
    /// <param name="content">The section's bytes.</param>
    /// <exception cref="ArgumentException">The name is empty or already taken.</exception>
    public CheckpointWriter Add(string name, ReadOnlySpan<byte> content)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_sections.Exists(s => s.Name == name)) throw new ArgumentException($"The checkpoint already has a section '{name}'", nameof(name));
        _sections.Add((name, content.ToArray()));
        return this;
    }

    /// <summary>Adds a section holding <paramref name="value"/> as UTF-8 JSON (enums by name, indented).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="name">The section's name (unique within the file).</param>
    /// <param name="value">What the section holds.</param>
    /// <exception cref="ArgumentException">The name is empty or already taken.</exception>
    public CheckpointWriter AddJson<T>(string name, T value) => Add(name, JsonSerializer.SerializeToUtf8Bytes(value, Checkpoint.Json));

    /// <summary>Writes the sections, in the order they were added, to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <exception cref="IOException">The file cannot be written; the previous file, if any, is left as it was.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Seismic.Data.IO.AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Checkpoint.Magic);
            w.Write(Checkpoint.FormatVersion);
            w.Write(_sections.Count);
            foreach (var (name, bytes) in _sections)
            {
                w.Write(name);
                w.Write((long)bytes.LongLength);
                w.Write(bytes);
                w.Write(XxHash3.HashToUInt64(bytes));
            }
        });
    }
}

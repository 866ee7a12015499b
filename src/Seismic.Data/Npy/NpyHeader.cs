using System.Buffers.Binary;
using System.Text;

namespace Seismic.Data.Npy;

/// <summary>The parsed header of a <c>.npy</c> file (format versions 1, 2 and 3).</summary>
public sealed class NpyHeader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    internal NpyHeader(NpyDType dtype, int[] shape, long dataOffset, int majorVersion)
    {
        DType = dtype;
        Shape = shape;
        DataOffset = dataOffset;
        MajorVersion = majorVersion;
        long count = 1;
        foreach (var d in shape) count *= d;
        ElementCount = count;
    }

    /// <summary>The element type.</summary>
    public NpyDType DType { get; }

    /// <summary>The array shape (C order); empty for a scalar.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Byte offset of the first element.</summary>
    public long DataOffset { get; }

    /// <summary>The format's major version (1, 2 or 3).</summary>
    public int MajorVersion { get; }

    /// <summary>Number of elements (product of the shape).</summary>
    public long ElementCount { get; }

    /// <summary>Bytes one element takes.</summary>
    public int ItemSize => NpyDTypes.SizeOf(DType);

    /// <summary>Bytes the data takes after the header.</summary>
    public long DataBytes => ElementCount * ItemSize;

    /// <summary>Reads and validates the header at the start of <paramref name="stream"/>.</summary>
    /// <param name="stream">A stream positioned at the start of the file.</param>
    /// <param name="fileName">Used in error messages.</param>
    /// <exception cref="NpyFormatException">The header is malformed or describes data this library cannot read.</exception>
    public static NpyHeader Read(Stream stream, string fileName)
    {
        Span<byte> prefix = stackalloc byte[12];
        int got = ReadUpTo(stream, prefix);
        if (got < 6 || !prefix[..6].SequenceEqual(Magic))
            throw new NpyFormatException(fileName, got == 0 ? "file is empty, not a .npy file" : "bad magic: not a .npy file");
        if (got < 10)
            throw new NpyFormatException(fileName, "truncated header: file ends inside the version and length fields");
        int major = prefix[6];
        int headerLen;
        int lenFieldEnd;
        switch (major)
        {
            case 1:
                headerLen = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
                lenFieldEnd = 10;
                break;
            case 2:
            case 3:
                if (got < 12) throw new NpyFormatException(fileName, "truncated header: file ends inside the header length field");
                uint len32 = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..12]);
                if (len32 > 1 << 20) throw new NpyFormatException(fileName, $"header length {len32} is implausibly large");
                headerLen = (int)len32;
                lenFieldEnd = 12;
                break;
            default:
                throw new NpyFormatException(fileName, $"unsupported .npy format version {major}.{prefix[7]} (supported: 1, 2, 3)");
        }

        var header = new byte[headerLen];
        stream.Position = lenFieldEnd;
        if (ReadUpTo(stream, header) < headerLen)
            throw new NpyFormatException(fileName, $"truncated header: expected {headerLen} header bytes");
        var text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header);

        Dictionary<string, object> dict;
        try
        {
            dict = PyLiteral.ParseDict(text);
        }
        catch (FormatException e)
        {
            throw new NpyFormatException(fileName, $"header is not a Python dict literal ({e.Message}): {Shorten(text)}");
        }

        foreach (var key in new[] { "descr", "fortran_order", "shape" })
            if (!dict.ContainsKey(key))
                throw new NpyFormatException(fileName, $"header misses the key '{key}': {Shorten(text)}");

        if (dict["descr"] is not string descr)
            throw new NpyFormatException(fileName, "header 'descr' is not a string (structured dtypes are not supported)");
        if (dict["fortran_order"] is not bool fortran)
            throw new NpyFormatException(fileName, "header 'fortran_order' is not True or False");
        if (fortran)
            throw new NpyFormatException(fileName, "Fortran-ordered arrays are not supported (save with np.ascontiguousarray)");
        if (dict["shape"] is not List<object> shapeItems)
            throw new NpyFormatException(fileName, "header 'shape' is not a tuple");

        var dtype = NpyDTypes.Parse(descr, out var problem) ?? throw new NpyFormatException(fileName, problem!);
        var shape = new int[shapeItems.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shapeItems[i] is not long d || d < 0 || d > int.MaxValue)
                throw new NpyFormatException(fileName, $"header 'shape' has an invalid dimension '{shapeItems[i]}'");
            shape[i] = (int)d;
        }
        long bytes = NpyDTypes.SizeOf(dtype);
        foreach (var d in shape)
            if (d != 0 && bytes > long.MaxValue / d)
                throw new NpyFormatException(fileName, $"header 'shape' ({string.Join(", ", shape)}) describes more data than any file can hold");
            else bytes *= d;
        return new NpyHeader(dtype, shape, lenFieldEnd + headerLen, major);
    }

    /// <summary>Encodes a version-1 header (version 2 when it does not fit), padded to a multiple of 64 bytes.</summary>
    internal static byte[] Encode(NpyDType dtype, ReadOnlySpan<int> shape)
    {
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        var dict = $"{{'descr': '{NpyDTypes.Descr(dtype)}', 'fortran_order': False, 'shape': ({dims}), }}";
        int prefix = 10;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        bool v2 = total - prefix > ushort.MaxValue;
        if (v2)
        {
            prefix = 12;
            total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        }
        var bytes = new byte[total];
        Magic.CopyTo(bytes, 0);
        bytes[6] = (byte)(v2 ? 2 : 1);
        bytes[7] = 0;
        int headerLen = total - prefix;
        if (v2) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)headerLen);
        else BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerLen);
        var body = dict.PadRight(headerLen - 1) + "\n";
        Encoding.ASCII.GetBytes(body, bytes.AsSpan(prefix));
        return bytes;
    }

    private static int ReadUpTo(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static string Shorten(string s)
    {
        s = s.Trim();
        return s.Length <= 120 ? s : s[..120] + "...";
    }
}

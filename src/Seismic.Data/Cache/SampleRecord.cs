using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Seismic.Data.Cache;

/// <summary>
/// The binary value stored per sample in the cache (all little-endian; see docs/data.md):
/// <code>
/// offset size  field
///  0     4     magic "SSMP"
///  4     2     record version (2)
///  6     2     dtype code (1 = float32)
///  8     12    velocity shape: 3 x int32 (1, S, S)
/// 20     12    seismic shape:  3 x int32 (ns, S, S)
/// 32     8     XxHash3 (64-bit, seed 0) of the payload
/// 40     ...   velocity payload (float32, C order), then seismic payload (float32, C order)
/// </code>
/// </summary>
internal static class SampleRecord
{
    public const int HeaderBytes = 40;
    public const ushort Version = 2;
    public const ushort Float32Code = 1;
    private const int ChecksumOffset = 32;
    private static ReadOnlySpan<byte> Magic => "SSMP"u8;

    public static int Length(int velocityLength, int seismicLength) => HeaderBytes + 4 * (velocityLength + seismicLength);

    public static void Write(Span<byte> record, int channels, int imageSize, ReadOnlySpan<float> velocity, ReadOnlySpan<float> seismic)
    {
        Magic.CopyTo(record);
        BinaryPrimitives.WriteUInt16LittleEndian(record[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(record[6..], Float32Code);
        ReadOnlySpan<int> dims = [1, imageSize, imageSize, channels, imageSize, imageSize];
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(record[(8 + 4 * i)..], dims[i]);
        var payload = record[HeaderBytes..];
        MemoryMarshal.AsBytes(velocity).CopyTo(payload);
        MemoryMarshal.AsBytes(seismic).CopyTo(payload[(4 * velocity.Length)..]);
        BinaryPrimitives.WriteUInt64LittleEndian(record[ChecksumOffset..], XxHash3.HashToUInt64(payload));
    }

    /// <summary>Validates the header and the payload checksum against the expected shapes and copies the payloads out.</summary>
    public static void Read(ReadOnlySpan<byte> record, int channels, int imageSize, Span<float> velocity, Span<float> seismic, string where)
    {
        if (record.Length != Length(velocity.Length, seismic.Length) || !record[..4].SequenceEqual(Magic)
            || BinaryPrimitives.ReadUInt16LittleEndian(record[4..]) != Version
            || BinaryPrimitives.ReadUInt16LittleEndian(record[6..]) != Float32Code)
            throw new InvalidDataException($"{where}: corrupt cache record (bad length, magic, version or dtype); delete the cache folder to rebuild it");
        ReadOnlySpan<int> dims = [1, imageSize, imageSize, channels, imageSize, imageSize];
        for (int i = 0; i < dims.Length; i++)
            if (BinaryPrimitives.ReadInt32LittleEndian(record[(8 + 4 * i)..]) != dims[i])
                throw new InvalidDataException($"{where}: cache record shape does not match (1, {imageSize}, {imageSize}) + ({channels}, {imageSize}, {imageSize}); delete the cache folder to rebuild it");
        var payload = record[HeaderBytes..];
        if (XxHash3.HashToUInt64(payload) != BinaryPrimitives.ReadUInt64LittleEndian(record[ChecksumOffset..]))
            throw new InvalidDataException($"{where}: corrupt cache record (checksum mismatch); delete the cache folder to rebuild it");
        MemoryMarshal.Cast<byte, float>(payload[..(4 * velocity.Length)]).CopyTo(velocity);
        MemoryMarshal.Cast<byte, float>(payload[(4 * velocity.Length)..]).CopyTo(seismic);
    }

    /// <summary>Sample keys: the index as a big-endian int64, so cursor order is numeric order.</summary>
    public static void Key(long index, Span<byte> key) => BinaryPrimitives.WriteInt64BigEndian(key, index);
}

using System.Buffers.Binary;
using System.Text;

namespace Seismic.Physics.Synthesis;

/// <summary>
/// Writes a float32 .npy header for data that follows in chunks (a 500-sample OpenFWI data file is 700 MB, too large to
/// hold at once). Same format as <c>Seismic.Data.Npy.NpyWriter</c> (version 1, padded to 64 bytes); replace with a public
/// Seismic.Data API once it offers a streaming writer.
/// </summary>
internal static class NpyStreaming
{
    public static void WriteFloat32Header(Stream stream, ReadOnlySpan<int> shape)
    {
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        int total = (10 + dict.Length + 1 + 63) / 64 * 64;
        var bytes = new byte[total];
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(bytes);
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)(total - 10));
        Encoding.ASCII.GetBytes(dict.PadRight(total - 11) + "\n", bytes.AsSpan(10));
        stream.Write(bytes);
    }
}

using Seismic.Data.Npy;

namespace Seismic.Data.Tests.Npy;

/// <summary>
/// Seeded random mutations of valid .npy files: reading one either succeeds or throws the documented
/// <see cref="NpyFormatException"/> naming the file, never anything else (issue 10).
/// </summary>
public class NpyHeaderFuzzTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("npy-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Valid(int variant)
    {
        using var ms = new MemoryStream();
        int[] shape = variant switch { 0 => [2, 3], 1 => [4], 2 => [1, 2, 2, 2], _ => [] };
        NpyWriter.Write(ms, Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(i => (float)i).ToArray(), shape);
        return ms.ToArray();
    }

    private static byte[] Mutate(byte[] valid, Random rng)
    {
        var bytes = new List<byte>(valid);
        int header = Math.Min(bytes.Count, 128); // the header and the first data bytes
        int edits = 1 + rng.Next(4);
        const string Tokens = "{}()[]'\":, -0123456789TrueFalseNone<>|f4i8u2shapedescrfortran_order\n\0\u00ff";
        for (int k = 0; k < edits; k++)
        {
            int at = rng.Next(Math.Max(1, Math.Min(bytes.Count, header)));
            switch (rng.Next(7))
            {
                case 0: if (bytes.Count > 0) bytes[at] = (byte)rng.Next(256); break;
                case 1: if (bytes.Count > 0) bytes[at] ^= (byte)(1 << rng.Next(8)); break;
                case 2: if (bytes.Count > 0) bytes.RemoveAt(at); break;
                case 3: bytes.Insert(at, (byte)Tokens[rng.Next(Tokens.Length)]); break;
                case 4: { int cut = rng.Next(bytes.Count + 1); bytes.RemoveRange(cut, bytes.Count - cut); break; } // truncate
                case 5: bytes.InsertRange(Math.Min(at, bytes.Count), Enumerable.Repeat((byte)"(["[rng.Next(2)], rng.Next(1, 200))); break;
                default: if (bytes.Count > 9) { bytes[8 + rng.Next(2)] = (byte)rng.Next(256); } break; // header length field
            }
        }
        return [.. bytes];
    }

    [Fact]
    public void Thousands_of_mutated_files_give_only_npy_format_exceptions()
    {
        var rng = new Random(20240610);
        var path = Path.Combine(_dir, "fuzz.npy");
        int rejected = 0;
        for (int i = 0; i < 3000; i++)
        {
            var bytes = Mutate(Valid(i % 4), rng);
            File.WriteAllBytes(path, bytes);
            try
            {
                NpyFile.ReadHeader(path);
                using var file = NpyFile.Open(path);
                var values = new float[file.ElementCount];
                file.ReadFloat32(0, values);
            }
            catch (NpyFormatException e)
            {
                Assert.Contains(path, e.Message);
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} ({Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 96)))}) threw {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(rejected > 1500, $"only {rejected} of 3000 mutations were rejected");
    }

    [Fact]
    public void Deeply_nested_headers_are_rejected_not_a_stack_overflow()
    {
        var path = Path.Combine(_dir, "deep.npy");
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + new string('(', 60000) + "}";
        var header = System.Text.Encoding.Latin1.GetBytes(dict + "\n");
        var bytes = new byte[10 + header.Length];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }.CopyTo(bytes, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        header.CopyTo(bytes, 10);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.ReadHeader(path));
        Assert.Contains("nested deeper", e.Message);
    }
}

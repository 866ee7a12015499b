using System.Buffers.Binary;
using System.Text;
using Seismic.Data.Npy;

namespace Seismic.Data.Tests.Npy;

/// <summary>Malformed files must give an NpyFormatException naming the file and the problem, never garbage or a crash.</summary>
public class NpyMalformedTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("npy-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A .npy file with the given header text and version; the header is padded so data starts at a multiple of 64.</summary>
    private static byte[] File(string dict, int major = 1, byte[]? data = null, bool pad = true)
    {
        int prefix = major == 1 ? 10 : 12;
        var text = dict;
        if (pad)
        {
            int total = (prefix + text.Length + 1 + 63) / 64 * 64;
            text = text.PadRight(total - prefix - 1) + "\n";
        }
        var headerBytes = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(text);
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        var len = new byte[major == 1 ? 2 : 4];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)headerBytes.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)headerBytes.Length);
        bytes.AddRange(len);
        bytes.AddRange(headerBytes);
        if (data is not null) bytes.AddRange(data);
        return [.. bytes];
    }

    private static byte[] Floats(params float[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), values[i]);
        return b;
    }

    private const string GoodDict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";

    public static TheoryData<string, string> MalformedCases()
    {
        var d = new TheoryData<string, string>
        {
            { "empty", "empty" },
            { "bad_magic", "bad magic" },
            { "short_magic", "bad magic" },
            { "truncated_length_field", "truncated header" },
            { "truncated_header", "truncated header" },
            { "version_9", "unsupported .npy format version" },
            { "not_a_dict", "not a Python dict" },
            { "unterminated_dict", "not a Python dict" },
            { "missing_descr", "misses the key 'descr'" },
            { "missing_shape", "misses the key 'shape'" },
            { "missing_fortran", "misses the key 'fortran_order'" },
            { "fortran_order", "Fortran" },
            { "big_endian", "big-endian" },
            { "object_dtype", "object dtype" },
            { "unsupported_dtype_complex", "unsupported dtype" },
            { "unsupported_dtype_unicode", "unsupported dtype" },
            { "structured_dtype", "structured dtypes" },
            { "shape_not_tuple", "not a tuple" },
            { "negative_dimension", "invalid dimension" },
            { "fortran_not_bool", "not True or False" },
            { "truncated_data", "truncated data" },
            { "extra_trailing_bytes", "size mismatch" },
            { "header_length_huge_v2", "implausibly large" },
            { "shape_overflows", "more data than any file can hold" },
            { "dimension_not_integer", "invalid dimension" },
        };
        return d;
    }

    private byte[] Make(string name) => name switch
    {
        "empty" => [],
        "bad_magic" => Encoding.ASCII.GetBytes("PK\x03\x04 this is a zip, not an npy file"),
        "short_magic" => [0x93, (byte)'N', (byte)'U'],
        "truncated_length_field" => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 0x40],
        "truncated_header" => File(GoodDict)[..30],
        "version_9" => File(GoodDict, data: Floats(1, 2, 3, 4)) is var v ? Patch(v, 6, 9) : [],
        "not_a_dict" => File("['descr', '<f4']", data: Floats(1)),
        "unterminated_dict" => File("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)", data: Floats(1, 2, 3, 4)),
        "missing_descr" => File("{'fortran_order': False, 'shape': (2, 2), }", data: Floats(1, 2, 3, 4)),
        "missing_shape" => File("{'descr': '<f4', 'fortran_order': False, }", data: Floats(1, 2, 3, 4)),
        "missing_fortran" => File("{'descr': '<f4', 'shape': (2, 2), }", data: Floats(1, 2, 3, 4)),
        "fortran_order" => File("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", data: Floats(1, 2, 3, 4)),
        "big_endian" => File("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", data: Floats(1, 2, 3, 4)),
        "object_dtype" => File("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", data: new byte[16]),
        "unsupported_dtype_complex" => File("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", data: new byte[16]),
        "unsupported_dtype_unicode" => File("{'descr': '<U5', 'fortran_order': False, 'shape': (2,), }", data: new byte[40]),
        "structured_dtype" => File("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", data: new byte[8]),
        "shape_not_tuple" => File("{'descr': '<f4', 'fortran_order': False, 'shape': 4, }", data: Floats(1, 2, 3, 4)),
        "negative_dimension" => File("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 2), }", data: Floats(1, 2, 3, 4)),
        "fortran_not_bool" => File("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 2), }", data: Floats(1, 2, 3, 4)),
        "truncated_data" => File(GoodDict, data: Floats(1, 2, 3)),
        "extra_trailing_bytes" => File(GoodDict, data: Floats(1, 2, 3, 4, 5)),
        "header_length_huge_v2" => Patch(Patch(File(GoodDict, major: 2, data: Floats(1, 2, 3, 4)), 10, 0xFF), 11, 0x7F),
        "shape_overflows" => File("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }", data: Floats(1)),
        "dimension_not_integer" => File("{'descr': '<f4', 'fortran_order': False, 'shape': ('a', 2), }", data: Floats(1, 2)),
        _ => throw new ArgumentException(name),
    };

    private static byte[] Patch(byte[] b, int at, byte value)
    {
        b[at] = value;
        return b;
    }

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void Malformed_file_gives_a_clear_error_naming_the_file(string name, string expectedProblem)
    {
        var path = Path.Combine(_dir, name + ".npy");
        System.IO.File.WriteAllBytes(path, Make(name));

        var open = Assert.Throws<NpyFormatException>(() => NpyFile.Open(path));
        Assert.Equal(path, open.FilePath);
        Assert.StartsWith(path + ":", open.Message);
        Assert.Contains(expectedProblem, open.Message, StringComparison.OrdinalIgnoreCase);

        var header = Assert.Throws<NpyFormatException>(() => NpyFile.ReadHeader(path));
        Assert.Equal(open.Message, header.Message);
    }

    [Fact]
    public void Missing_file_is_named()
    {
        var path = Path.Combine(_dir, "nope.npy");
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Open(path));
        Assert.Contains("nope.npy", e.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Version_2_and_3_headers_are_read(int major)
    {
        var path = Path.Combine(_dir, $"v{major}.npy");
        System.IO.File.WriteAllBytes(path, File(GoodDict, major, Floats(1, -2, 3.5f, 4)));
        using var f = NpyFile.Open(path);
        Assert.Equal(major, f.Header.MajorVersion);
        Assert.Equal([2, 2], f.Shape);
        Assert.Equal([1f, -2f, 3.5f, 4f], f.GetFloat32Span(0, 4).ToArray());
    }

    [Fact]
    public void Version_3_utf8_header_with_unpadded_length_is_read()
    {
        var path = Path.Combine(_dir, "v3-unpadded.npy");
        System.IO.File.WriteAllBytes(path, File("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", 3, Floats(7), pad: false));
        Assert.Equal([7f], NpyFile.ReadAllFloat32(path, out var shape));
        Assert.Equal([1], shape);
    }

    [Fact]
    public void Float64_and_integers_are_converted_and_not_zero_copy()
    {
        var f8 = Path.Combine(_dir, "f8.npy");
        NpyWriter.Write(f8, new[] { 1.5, -2.25, 1e10 }, [3]);
        Assert.Equal([1.5f, -2.25f, 1e10f], NpyFile.ReadAllFloat32(f8, out _));
        using (var f = NpyFile.Open(f8))
            Assert.Throws<InvalidOperationException>(() => f.GetFloat32Span(0, 1).ToArray());

        var i4 = Path.Combine(_dir, "i4.npy");
        NpyWriter.Write(i4, new[] { -3, 0, 2_000_000 }, [1, 3]);
        Assert.Equal([-3.0, 0.0, 2_000_000.0], NpyFile.ReadAllFloat64(i4, out var shape));
        Assert.Equal([1, 3], shape);

        var u2 = Path.Combine(_dir, "u2.npy");
        System.IO.File.WriteAllBytes(u2, File("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", data: [0xFF, 0xFF, 1, 0]));
        Assert.Equal([65535f, 1f], NpyFile.ReadAllFloat32(u2, out _));

        var i1 = Path.Combine(_dir, "i1.npy");
        System.IO.File.WriteAllBytes(i1, File("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", data: [0xFF, 5]));
        Assert.Equal([-1f, 5f], NpyFile.ReadAllFloat32(i1, out _));
    }

    [Fact]
    public void Zero_size_array_and_scalar_are_read()
    {
        var empty = Path.Combine(_dir, "zero.npy");
        System.IO.File.WriteAllBytes(empty, File("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }"));
        Assert.Empty(NpyFile.ReadAllFloat32(empty, out var shape));
        Assert.Equal([0, 5], shape);

        var scalar = Path.Combine(_dir, "scalar.npy");
        System.IO.File.WriteAllBytes(scalar, File("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", data: Floats(3)));
        Assert.Equal([3f], NpyFile.ReadAllFloat32(scalar, out var s2));
        Assert.Empty(s2);
    }

    [Fact]
    public void Reads_outside_the_array_are_refused()
    {
        var path = Path.Combine(_dir, "range.npy");
        NpyWriter.Write(path, new float[] { 1, 2, 3 }, [3]);
        using var f = NpyFile.Open(path);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => f.GetFloat32Span(2, 2).ToArray());
        Assert.Contains(path, e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.ReadFloat32(-1, new float[1]));
    }
}

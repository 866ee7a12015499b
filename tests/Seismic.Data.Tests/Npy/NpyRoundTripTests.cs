using Seismic.Data.Npy;
using Seismic.Tests;

namespace Seismic.Data.Tests.Npy;

public class NpyRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("npy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Float32_round_trips_with_shape()
    {
        var path = Path.Combine(_dir, "a.npy");
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => i * 0.5f - 3f).ToArray();
        NpyWriter.Write(path, data, [2, 3, 4]);

        using var file = NpyFile.Open(path);
        Assert.Equal([2, 3, 4], file.Shape);
        Assert.Equal(NpyDType.Float32, file.DType);
        Assert.Equal(data, file.GetFloat32Span(0, data.Length).ToArray());
        Assert.Equal(data[5..9], file.GetFloat32Span(5, 4).ToArray());
    }

    [Fact]
    public void Float64_golden_file_converts_to_float32()
    {
        var d = Golden.ReadDoubles("schedule/N1000_bmax0.3/std_fwd.npy", out var shape);
        var f = Golden.ReadFloats("schedule/N1000_bmax0.3/std_fwd.npy");
        Assert.Equal([1000], shape);
        Assert.Equal(0.01, d[0], 12);
        Assert.Equal((float)d[999], f[999]);
    }

    [Fact]
    public void Writer_leaves_no_temporary_files()
    {
        var path = Path.Combine(_dir, "b.npy");
        NpyWriter.Write(path, new double[] { 1, 2 }, [2]);
        Assert.Equal(["b.npy"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_streamed_header_followed_by_the_data_is_the_same_file()
    {
        var data = Enumerable.Range(0, 24).Select(i => (float)i).ToArray();
        var whole = Path.Combine(_dir, "whole.npy");
        NpyWriter.Write(whole, data, [2, 3, 4]);
        using var ms = new MemoryStream();
        NpyWriter.WriteFloat32Header(ms, [2, 3, 4]);
        ms.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
        Assert.Equal(File.ReadAllBytes(whole), ms.ToArray());
    }
}

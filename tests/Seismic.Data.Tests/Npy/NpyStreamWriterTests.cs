using Seismic.Data.Npy;

namespace Seismic.Data.Tests.Npy;

public class NpyStreamWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("npy-stream-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Pieces_appended_in_order_make_the_whole_array_and_appear_only_when_complete()
    {
        var path = Path.Combine(_dir, "sub", "ensemble.npy");
        var data = Enumerable.Range(0, 3 * 2 * 4).Select(i => i * 0.25f).ToArray();
        using (var writer = new NpyStreamWriter(path, [3, 2, 1, 2, 2]))
        {
            for (int i = 0; i < 3; i++)
            {
                writer.Append(data.AsSpan(i * 8, 8));
                Assert.False(File.Exists(path));           // readers never see a partial file
            }
            writer.Complete();
        }
        var back = NpyFile.ReadAllFloat32(path, out var shape);
        Assert.Equal([3, 2, 1, 2, 2], shape);
        Assert.Equal(data, back);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Incomplete_or_overfull_files_are_abandoned_and_keep_the_old_file()
    {
        var path = Path.Combine(_dir, "a.npy");
        NpyWriter.Write(path, [1f, 2f], [2]);
        using (var writer = new NpyStreamWriter(path, [4]))
        {
            writer.Append([1f, 2f, 3f]);
            Assert.Throws<InvalidOperationException>(() => writer.Append([4f, 5f]));
            var e = Assert.Throws<InvalidOperationException>(writer.Complete);
            Assert.Contains("3 of 4", e.Message);
        }
        using (var writer = new NpyStreamWriter(path, [2])) writer.Append([7f]);   // disposed without Complete
        Assert.Equal([1f, 2f], NpyFile.ReadAllFloat32(path, out _));
        Assert.Single(Directory.GetFiles(_dir));
    }
}

using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LightningDB;
using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;
using Seismic.Data.Tests.Support;

namespace Seismic.Data.Tests.Cache;

/// <summary>The on-disk format documented in docs/data.md, read with LightningDB directly (not through the library).</summary>
public class CacheRecordFormatTests : IDisposable
{
    private readonly SyntheticOpenFwi _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Records_and_metadata_follow_the_documented_format()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [3, 2]);
        string dir;
        var velocity = new float[16 * 16];
        var seismic = new float[5 * 16 * 16];
        using (var ds = SeismicDataset.Builder().FromDirectory(_data.Root).Dataset("tiny").Config(SyntheticOpenFwi.TinyConfig).ImageSize(16).Build())
        {
            dir = ds.Cache!.Directory;
            ds.ReadSample(4, velocity, seismic);
        }

        using var env = new LightningEnvironment(dir, new EnvironmentConfiguration { MaxDatabases = 2 });
        env.Open(EnvironmentOpenFlags.ReadOnly);
        using var txn = env.BeginTransaction(TransactionBeginFlags.ReadOnly);
        using var samples = txn.OpenDatabase("samples");
        using var meta = txn.OpenDatabase("meta");

        var key = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(key, 4);
        var (rc, _, value) = txn.Get(samples, key);
        Assert.Equal(MDBResultCode.Success, rc);
        var record = value.AsSpan().ToArray();
        Assert.Equal(40 + 4 * (256 + 5 * 256), record.Length);
        Assert.Equal("SSMP", Encoding.ASCII.GetString(record, 0, 4));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(record.AsSpan(4)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(record.AsSpan(6)));
        var dims = Enumerable.Range(0, 6).Select(i => BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(8 + 4 * i))).ToArray();
        Assert.Equal([1, 16, 16, 5, 16, 16], dims);
        Assert.Equal(System.IO.Hashing.XxHash3.HashToUInt64(record.AsSpan(40)), BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32)));
        Assert.Equal(velocity[17], BinaryPrimitives.ReadSingleLittleEndian(record.AsSpan(40 + 4 * 17)));
        Assert.Equal(seismic[300], BinaryPrimitives.ReadSingleLittleEndian(record.AsSpan(40 + 4 * 256 + 4 * 300)));

        BinaryPrimitives.WriteInt64BigEndian(key, 5);
        Assert.Equal(MDBResultCode.NotFound, txn.Get(samples, key).resultCode);

        var (mrc, _, mvalue) = txn.Get(meta, Encoding.ASCII.GetBytes("metadata"));
        Assert.Equal(MDBResultCode.Success, mrc);
        using var json = JsonDocument.Parse(mvalue.AsSpan().ToArray());
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("format_version").GetInt32());
        Assert.Equal("tiny", root.GetProperty("dataset").GetString());
        Assert.Equal(16, root.GetProperty("image_size").GetInt32());
        Assert.Equal(5, root.GetProperty("sample_count").GetInt32());
        Assert.Equal(-20, root.GetProperty("data_min").GetDouble());
        var sources = root.GetProperty("sources").EnumerateArray().ToList();
        Assert.Equal(["data/data1.npy", "data/data2.npy"], sources.Select(s => s.GetProperty("data").GetString()));
        Assert.Equal(new FileInfo(Path.Combine(_data.SplitDir("train"), "model", "model2.npy")).Length, sources[1].GetProperty("model_bytes").GetInt64());
        Assert.DoesNotContain(_data.Root, Encoding.UTF8.GetString(mvalue.AsSpan()));
    }

    [Fact]
    public void Raw_samples_are_the_stored_arrays()
    {
        _data.WriteBatched("train", SyntheticOpenFwi.Tiny, [3, 2]);
        var info = SyntheticOpenFwi.Tiny;
        using var reader = new OpenFwiSampleReader(OpenFwiLayout.Discover(_data.SplitDir("train"), info), new Seismic.Data.Transforms.SampleTransform(info, 8));
        var v = new float[100];
        var s = new float[5 * 40 * 12];
        reader.ReadRawSample(4, v, s);
        var (expectedS, expectedV) = SyntheticOpenFwi.Samples(info, 2, 1 * 1000 + 1);
        Assert.Equal(expectedV[100..], v);
        Assert.Equal(expectedS[(5 * 40 * 12)..], s);
        Assert.Throws<ArgumentException>(() => reader.ReadRawSample(0, new float[99], s));
    }
}

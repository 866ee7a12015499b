using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;
using Seismic.Data.Tests.Support;

namespace Seismic.Data.Tests.OpenFwi;

public class OpenFwiLayoutTests : IDisposable
{
    private readonly SyntheticOpenFwi _data = new();
    private static OpenFwiDataset Tiny => SyntheticOpenFwi.Tiny;

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Natural_sort_puts_data2_before_data10()
    {
        var names = new[] { "data10.npy", "data2.npy", "data1.npy", "data002b.npy", "a/data3.npy" };
        Assert.Equal(["a/data3.npy", "data1.npy", "data2.npy", "data002b.npy", "data10.npy"], names.OrderBy(n => n, NaturalStringComparer.Instance));
    }

    [Fact]
    public void Batched_files_pair_in_natural_order_and_count_samples()
    {
        _data.WriteBatched("train", Tiny, [3, 2, 4, 1, 2, 2, 2, 2, 2, 5]); // data1 .. data10
        var layout = OpenFwiLayout.Discover(_data.Root, DatasetSplit.Train, Tiny);
        Assert.Equal(25, layout.SampleCount);
        Assert.Equal(Enumerable.Range(1, 10).Select(k => $"data{k}.npy"), layout.Pairs.Select(p => Path.GetFileName(p.DataPath)));
        Assert.All(layout.Pairs, p => Assert.Equal(Path.GetFileName(p.DataPath).Replace("data", "model"), Path.GetFileName(p.ModelPath)));
        Assert.Equal((layout.Pairs[9], 4), layout.Locate(24));
        Assert.Equal((layout.Pairs[1], 0), layout.Locate(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Locate(25));
    }

    [Fact]
    public void Fault_naming_seis_vel_pairs_by_suffix_in_subfolders_in_natural_path_order()
    {
        var split = _data.SplitDir("val");
        foreach (var (sub, suffix) in new[] { ("", "2_1_10"), ("", "2_1_9"), ("b", "4_1_0") })
        {
            var (s, v) = SyntheticOpenFwi.Samples(Tiny, 2, suffix.Length);
            NpyWriter.Write(Path.Combine(split, "data", sub, $"seis{suffix}.npy"), s, [2, Tiny.Ns, Tiny.Nt, Tiny.Ng]);
            NpyWriter.Write(Path.Combine(split, "model", sub, $"vel{suffix}.npy"), v, [2, 1, Tiny.NGrid, Tiny.NGrid]);
        }
        var layout = OpenFwiLayout.Discover(split, Tiny);
        Assert.Equal(6, layout.SampleCount);
        Assert.Equal(["seis4_1_0.npy", "seis2_1_9.npy", "seis2_1_10.npy"], layout.Pairs.Select(p => Path.GetFileName(p.DataPath)));
        Assert.Equal(["vel4_1_0.npy", "vel2_1_9.npy", "vel2_1_10.npy"], layout.Pairs.Select(p => Path.GetFileName(p.ModelPath)));
    }

    [Fact]
    public void Per_sample_files_hold_one_sample_each()
    {
        _data.WritePerSample("train", Tiny, 3);
        var layout = OpenFwiLayout.Discover(_data.SplitDir("train"), Tiny);
        Assert.Equal(3, layout.SampleCount);
        Assert.All(layout.Pairs, p => Assert.Equal(1, p.SampleCount));
    }

    [Fact]
    public void Missing_partner_is_an_error_naming_the_file()
    {
        _data.WriteBatched("train", Tiny, [2, 2]);
        File.Delete(Path.Combine(_data.SplitDir("train"), "model", "model2.npy"));
        var e = Assert.Throws<OpenFwiLayoutException>(() => OpenFwiLayout.Discover(_data.SplitDir("train"), Tiny));
        Assert.Contains("data2.npy", e.Message);
    }

    [Fact]
    public void Orphan_model_file_is_an_error_naming_it()
    {
        _data.WriteBatched("train", Tiny, [2, 2]);
        File.Delete(Path.Combine(_data.SplitDir("train"), "data", "data1.npy"));
        var e = Assert.Throws<OpenFwiLayoutException>(() => OpenFwiLayout.Discover(_data.SplitDir("train"), Tiny));
        Assert.Contains("model1.npy", e.Message);
    }

    [Fact]
    public void Sample_count_mismatch_names_both_files()
    {
        _data.WriteBatched("train", Tiny, [3]);
        var (_, v) = SyntheticOpenFwi.Samples(Tiny, 2, 5);
        NpyWriter.Write(Path.Combine(_data.SplitDir("train"), "model", "model1.npy"), v, [2, 1, Tiny.NGrid, Tiny.NGrid]);
        var e = Assert.Throws<OpenFwiLayoutException>(() => OpenFwiLayout.Discover(_data.SplitDir("train"), Tiny));
        Assert.Contains("data1.npy holds 3 samples", e.Message);
        Assert.Contains("model1.npy holds 2", e.Message);
    }

    [Fact]
    public void Wrong_shape_is_an_error_naming_the_file_and_shapes()
    {
        _data.WriteBatched("train", Tiny, [2]);
        NpyWriter.Write(Path.Combine(_data.SplitDir("train"), "data", "data1.npy"), new float[2 * 5 * 39 * 12], [2, 5, 39, 12]);
        var e = Assert.Throws<OpenFwiLayoutException>(() => OpenFwiLayout.Discover(_data.SplitDir("train"), Tiny));
        Assert.Contains("data1.npy", e.Message);
        Assert.Contains("(2, 5, 39, 12)", e.Message);
        Assert.Contains("(5, 40, 12)", e.Message);
    }

    [Fact]
    public void Missing_folders_and_empty_data_are_errors()
    {
        Assert.Throws<DirectoryNotFoundException>(() => OpenFwiLayout.Discover(_data.Root, DatasetSplit.Val, Tiny));
        Directory.CreateDirectory(Path.Combine(_data.SplitDir("val"), "data"));
        var e = Assert.Throws<DirectoryNotFoundException>(() => OpenFwiLayout.Discover(_data.Root, DatasetSplit.Val, Tiny));
        Assert.Contains("model", e.Message);
        Directory.CreateDirectory(Path.Combine(_data.SplitDir("val"), "model"));
        Assert.Throws<OpenFwiLayoutException>(() => OpenFwiLayout.Discover(_data.Root, DatasetSplit.Val, Tiny));
    }

    [Fact]
    public void Malformed_npy_in_the_layout_propagates_with_the_file_name()
    {
        _data.WriteBatched("train", Tiny, [2]);
        var bad = Path.Combine(_data.SplitDir("train"), "model", "model1.npy");
        File.WriteAllBytes(bad, [1, 2, 3]);
        var e = Assert.Throws<NpyFormatException>(() => OpenFwiLayout.Discover(_data.SplitDir("train"), Tiny));
        Assert.Equal(bad, e.FilePath);
    }
}

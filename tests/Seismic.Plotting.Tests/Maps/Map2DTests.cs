namespace Seismic.Plotting.Tests.Maps;

public class Map2DTests
{
    [Fact]
    public void Constructor_rejects_length_mismatch_and_empty_maps()
    {
        var e = Assert.Throws<ArgumentException>(() => new Map2D(new float[5], 2, 3));
        Assert.Contains("2 x 3", e.Message);
        Assert.Throws<ArgumentException>(() => new Map2D([], 0, 3));
        Assert.Throws<ArgumentException>(() => Map2D.From(new float[0, 4]));
    }

    [Fact]
    public void From_array_keeps_rows_and_columns()
    {
        var m = Map2D.From(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal((2, 3), (m.Height, m.Width));
        Assert.Equal(6, m[1, 2]);
        Assert.Equal(2, m[0, 1]);
    }

    [Fact]
    public void Slice_takes_one_sample_of_a_batch()
    {
        // (N=2, C=1, H=2, W=3): sample 1 holds 6..11.
        var data = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        var m = Map2D.Slice(data, [2, 1, 2, 3], 1);
        Assert.Equal([6f, 7, 8, 9, 10, 11], m.Values.ToArray());
        Assert.Equal([0f, 1, 2, 3, 4, 5], Map2D.Slice(data.AsSpan(0, 6), [1, 2, 3]).Values.ToArray());
        Assert.Equal(12, Map2D.Slice(data, [3, 4]).Values.Length);
    }

    [Fact]
    public void Slice_needs_an_index_on_axes_larger_than_one()
    {
        var data = new float[12];
        var e = Assert.Throws<ArgumentException>(() => Map2D.Slice(data, [2, 1, 2, 3]));
        Assert.Contains("say which index", e.Message);
        Assert.Throws<ArgumentException>(() => Map2D.Slice(data, [2, 1, 2, 3], 2));
        Assert.Throws<ArgumentException>(() => Map2D.Slice(data, [2, 1, 2, 2], 0));
        Assert.Throws<ArgumentException>(() => Map2D.Slice(data, [12]));
    }

    [Fact]
    public void Minus_and_select_work_elementwise()
    {
        var a = Map2D.From(new float[,] { { 1, 2 }, { 3, 4 } });
        var b = a.Select(v => v * 10);
        Assert.Equal([9f, 18, 27, 36], b.Minus(a).Values.ToArray());
        Assert.Throws<ArgumentException>(() => a.Minus(new Map2D(new float[6], 2, 3)));
    }
}

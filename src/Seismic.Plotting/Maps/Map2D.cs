namespace Seismic.Plotting;

/// <summary>
/// A 2-D field to draw, stored row-major: rows run downward (depth for velocity maps, time for shot gathers),
/// columns run across (distance or receiver). Values are copied, so the map never changes after construction.
/// </summary>
public sealed class Map2D
{
    private readonly float[] _values;

    /// <summary>Creates a map from row-major values.</summary>
    /// <param name="values">Row-major values, <paramref name="height"/> x <paramref name="width"/> of them.</param>
    /// <param name="height">Number of rows (depth or time samples), at least 1.</param>
    /// <param name="width">Number of columns (distance cells or receivers), at least 1.</param>
    /// <exception cref="ArgumentException">The sizes are not positive or the length is not height x width.</exception>
    public Map2D(ReadOnlySpan<float> values, int height, int width)
    {
        if (height < 1 || width < 1)
            throw new ArgumentException($"A map needs at least one row and one column; got {height} x {width}.", nameof(height));
        if (values.Length != (long)height * width)
            throw new ArgumentException($"A {height} x {width} map needs {(long)height * width} values; got {values.Length}.", nameof(values));
        _values = values.ToArray();
        Height = height;
        Width = width;
    }

    /// <summary>Creates a map from a [row, column] array.</summary>
    /// <exception cref="ArgumentException">The array is empty.</exception>
    public static Map2D From(float[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int h = values.GetLength(0), w = values.GetLength(1);
        var flat = new float[h * w];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(float));
        return new Map2D(flat, h, w);
    }

    /// <summary>
    /// Takes one map out of an array of any rank &gt;= 2 whose last two axes are (rows, columns), e.g. a velocity
    /// file of shape (H, W), (1, H, W) or (N, 1, H, W), or a seismic file (shots, time, receivers).
    /// </summary>
    /// <param name="values">Row-major (C order) values of the whole array.</param>
    /// <param name="shape">The array's shape.</param>
    /// <param name="leadingIndices">
    /// One index per leading axis, outermost first. Missing indices are 0, which is only allowed on axes of
    /// size 1 (so a (1, H, W) file needs none, an (N, 1, H, W) file needs the sample index).
    /// </param>
    /// <exception cref="ArgumentException">The shape does not match the values, the rank is below 2, an index is out
    /// of range, or a leading axis larger than 1 has no index.</exception>
    public static Map2D Slice(ReadOnlySpan<float> values, IReadOnlyList<int> shape, params int[] leadingIndices)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(leadingIndices);
        if (shape.Count < 2)
            throw new ArgumentException($"A map needs an array of rank 2 or more; got shape ({string.Join(", ", shape)}).", nameof(shape));
        long total = 1;
        foreach (var d in shape) total *= d;
        if (total != values.Length)
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) holds {total} values; got {values.Length}.", nameof(shape));
        int leading = shape.Count - 2;
        if (leadingIndices.Length > leading)
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) has {leading} leading axes; got {leadingIndices.Length} indices.", nameof(leadingIndices));

        long offset = 0;
        for (int axis = 0; axis < leading; axis++)
        {
            int size = shape[axis];
            bool given = axis < leadingIndices.Length;
            int index = given ? leadingIndices[axis] : 0;
            if (!given && size != 1)
                throw new ArgumentException($"Axis {axis} of shape ({string.Join(", ", shape)}) has size {size}: say which index to plot.", nameof(leadingIndices));
            if (index < 0 || index >= size)
                throw new ArgumentException($"Index {index} is out of range for axis {axis} of size {size} in shape ({string.Join(", ", shape)}).", nameof(leadingIndices));
            offset = offset * size + index;
        }
        int h = shape[^2], w = shape[^1];
        return new Map2D(values.Slice((int)(offset * h * w), h * w), h, w);
    }

    /// <summary>Number of rows (depth or time samples).</summary>
    public int Height { get; }

    /// <summary>Number of columns (distance cells or receivers).</summary>
    public int Width { get; }

    /// <summary>The value at <paramref name="row"/>, <paramref name="column"/>.</summary>
    public float this[int row, int column] => _values[row * Width + column];

    /// <summary>The row-major values.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>Applies <paramref name="transform"/> to every value (e.g. normalised to m/s: <c>v =&gt; v * 1500 + 3000</c>).</summary>
    public Map2D Select(Func<float, float> transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        var result = new float[_values.Length];
        for (int i = 0; i < result.Length; i++) result[i] = transform(_values[i]);
        return new Map2D(result, Height, Width);
    }

    /// <summary>The element-wise difference <c>this - other</c>, e.g. prediction minus truth.</summary>
    /// <exception cref="ArgumentException">The maps differ in size.</exception>
    public Map2D Minus(Map2D other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Height != Height || other.Width != Width)
            throw new ArgumentException($"Cannot subtract a {other.Height} x {other.Width} map from a {Height} x {Width} map.", nameof(other));
        var result = new float[_values.Length];
        for (int i = 0; i < result.Length; i++) result[i] = _values[i] - other._values[i];
        return new Map2D(result, Height, Width);
    }

    /// <summary>Throws when a value is NaN or infinite, naming <paramref name="what"/> and the first bad cell.</summary>
    internal void RequireFinite(string what)
    {
        for (int i = 0; i < _values.Length; i++)
        {
            if (!float.IsFinite(_values[i]))
                throw new ArgumentException($"{what}: value at row {i / Width}, column {i % Width} is {_values[i]}; figures need finite values.");
        }
    }

    /// <summary>Smallest and largest value.</summary>
    internal ValueRange Range()
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in _values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return new ValueRange(min, max);
    }

    /// <summary>The largest absolute value.</summary>
    internal double MaxAbs()
    {
        double m = 0;
        foreach (var v in _values) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>The values as a [row, column] array of doubles, the form ScottPlot's heatmap takes.</summary>
    internal double[,] ToGrid()
    {
        var grid = new double[Height, Width];
        for (int r = 0; r < Height; r++)
            for (int c = 0; c < Width; c++)
                grid[r, c] = _values[r * Width + c];
        return grid;
    }
}

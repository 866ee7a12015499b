namespace Seismic.Physics.Acquisition;

/// <summary>A cell of the (unpadded) velocity grid: <see cref="Z"/> is the depth index (row), <see cref="X"/> the distance index (column).</summary>
/// <param name="Z">Depth index, 0-based, from the top row.</param>
/// <param name="X">Distance index, 0-based, from the left column.</param>
public readonly record struct GridPoint(int Z, int X)
{
    /// <inheritdoc />
    public override string ToString() => $"(z={Z}, x={X})";
}

namespace Seismic.Plotting;

/// <summary>A closed range of values mapped onto a colour bar, <see cref="Min"/> to the first colour and
/// <see cref="Max"/> to the last.</summary>
/// <param name="Min">The value drawn with the colormap's first colour.</param>
/// <param name="Max">The value drawn with the colormap's last colour.</param>
public readonly record struct ValueRange(double Min, double Max)
{
    /// <summary>A range symmetric around zero, <c>[-limit, limit]</c> (for errors and seismic amplitudes).</summary>
    public static ValueRange Symmetric(double limit) => new(-limit, limit);

    /// <summary>OpenFWI's velocity range, 1500 to 4500 m/s.</summary>
    public static ValueRange OpenFwiVelocity { get; } = new(1500, 4500);

    internal void Validate(string option)
    {
        Check.That(double.IsFinite(Min) && double.IsFinite(Max) && Min < Max, option, $"must be finite with Min < Max, got [{Min}, {Max}]");
    }

    /// <summary>Widens a degenerate range (a constant map) so the colour bar still has a span.</summary>
    internal ValueRange Widened()
    {
        if (Max > Min) return this;
        double pad = Math.Max(Math.Abs(Min) * 1e-3, 1e-6);
        return new ValueRange(Min - pad, Max + pad);
    }
}

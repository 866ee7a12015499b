namespace Seismic.Plotting;

/// <summary>What a panel shows, which decides its colormap and colour range.</summary>
public enum PanelKind
{
    /// <summary>A velocity map (or any field on the velocity scale): velocity colormap, shared range.</summary>
    Velocity,
    /// <summary>A signed difference (e.g. prediction - truth): diverging colormap, range symmetric around 0.</summary>
    Error,
    /// <summary>A spread such as an ensemble's standard deviation: its own colour bar from 0 to its maximum, sequential colormap.</summary>
    Uncertainty,
}

/// <summary>One titled map of a figure.</summary>
/// <param name="Title">Title drawn above the panel.</param>
/// <param name="Map">The values (rows downward).</param>
/// <param name="Kind">How to colour it. The default is <see cref="PanelKind.Velocity"/>.</param>
public sealed record MapPanel(string Title, Map2D Map, PanelKind Kind = PanelKind.Velocity)
{
    /// <summary>A velocity panel.</summary>
    public static MapPanel Velocity(string title, Map2D map) => new(title, map, PanelKind.Velocity);

    /// <summary>An error panel (diverging colours, symmetric range).</summary>
    public static MapPanel Error(string title, Map2D map) => new(title, map, PanelKind.Error);

    /// <summary>An uncertainty panel (own colour bar from 0, sequential colours).</summary>
    public static MapPanel Uncertainty(string title, Map2D map) => new(title, map, PanelKind.Uncertainty);
}

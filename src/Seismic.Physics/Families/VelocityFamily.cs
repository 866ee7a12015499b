namespace Seismic.Physics.Families;

/// <summary>The ten OpenFWI velocity-model families ("B" variants are harder than "A").</summary>
public enum VelocityFamily
{
    /// <summary>Horizontal layers, every row constant (OpenFWI FlatVel-A).</summary>
    FlatVelA,
    /// <summary>More horizontal layers with wider contrasts, inversions allowed (FlatVel-B).</summary>
    FlatVelB,
    /// <summary>Layers with gently curved (sinusoidal) interfaces (CurveVel-A).</summary>
    CurveVelA,
    /// <summary>More layers, stronger and two-harmonic curvature (CurveVel-B).</summary>
    CurveVelB,
    /// <summary>Flat layers cut by one fault with a throw (FlatFault-A).</summary>
    FlatFaultA,
    /// <summary>More layers, larger throws, up to two faults (FlatFault-B).</summary>
    FlatFaultB,
    /// <summary>Curved layers cut by one fault (CurveFault-A).</summary>
    CurveFaultA,
    /// <summary>Curved layers, larger throws, up to two faults (CurveFault-B).</summary>
    CurveFaultB,
    /// <summary>Smooth random texture over a depth trend (approximates OpenFWI Style-A, which is made from natural images).</summary>
    StyleA,
    /// <summary>Rougher, stronger random texture (approximates Style-B).</summary>
    StyleB,
}

/// <summary>Names, kinds and OpenFWI normalisation bounds of the <see cref="VelocityFamily"/> values.</summary>
public static class VelocityFamilies
{
    private static readonly (VelocityFamily Family, string Name, string Key, double DataMin, double DataMax)[] Table =
    [
        (VelocityFamily.FlatVelA, "FlatVel_A", "flatvel-a", -26.95, 52.77),
        (VelocityFamily.FlatVelB, "FlatVel_B", "flatvel-b", -27.17, 56.05),
        (VelocityFamily.CurveVelA, "CurveVel_A", "curvevel-a", -27.11, 55.10),
        (VelocityFamily.CurveVelB, "CurveVel_B", "curvevel-b", -29.04, 57.03),
        (VelocityFamily.FlatFaultA, "FlatFault_A", "flatfault-a", -26.10, 50.86),
        (VelocityFamily.FlatFaultB, "FlatFault_B", "flatfault-b", -24.86, 50.28),
        (VelocityFamily.CurveFaultA, "CurveFault_A", "curvefault-a", -26.48, 52.32),
        (VelocityFamily.CurveFaultB, "CurveFault_B", "curvefault-b", -24.93, 50.98),
        (VelocityFamily.StyleA, "Style_A", "style-a", -24.96, 48.93),
        (VelocityFamily.StyleB, "Style_B", "style-b", -23.76, 46.01),
    ];

    /// <summary>All ten families in OpenFWI's order.</summary>
    public static IReadOnlyList<VelocityFamily> All { get; } = [.. Table.Select(t => t.Family)];

    /// <summary>The OpenFWI name, e.g. <c>FlatVel_A</c>.</summary>
    public static string Name(this VelocityFamily family) => Row(family).Name;

    /// <summary>The OpenFWI dataset-config key, e.g. <c>flatvel-a</c>.</summary>
    public static string Key(this VelocityFamily family) => Row(family).Key;

    /// <summary>True for the Fault families, whose files are named <c>seis*/vel*</c> instead of <c>data*/model*</c>.</summary>
    public static bool IsFault(this VelocityFamily family) =>
        family is VelocityFamily.FlatFaultA or VelocityFamily.FlatFaultB or VelocityFamily.CurveFaultA or VelocityFamily.CurveFaultB;

    /// <summary>True for the "B" (harder) variants.</summary>
    public static bool IsHard(this VelocityFamily family) => Row(family).Name.EndsWith("_B", StringComparison.Ordinal);

    /// <summary>OpenFWI's seismic normalisation bounds (data_min, data_max) for this family (SPEC section 1).</summary>
    public static (double DataMin, double DataMax) DataBounds(this VelocityFamily family) => (Row(family).DataMin, Row(family).DataMax);

    /// <summary>Parses a family from its name (<c>FlatVel_A</c>), key (<c>flatvel-a</c>) or enum name (<c>FlatVelA</c>), ignoring case.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid names.</exception>
    public static VelocityFamily Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var t in Table)
        {
            if (string.Equals(name, t.Name, StringComparison.OrdinalIgnoreCase) || string.Equals(name, t.Key, StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, t.Family.ToString(), StringComparison.OrdinalIgnoreCase))
                return t.Family;
        }
        throw new ArgumentException($"unknown velocity family '{name}'; expected one of {string.Join(", ", Table.Select(t => t.Name))}.");
    }

    private static (VelocityFamily Family, string Name, string Key, double DataMin, double DataMax) Row(VelocityFamily family) =>
        Table.FirstOrDefault(t => t.Family == family) is { Name: not null } row
            ? row
            : throw new ArgumentOutOfRangeException(nameof(family), family, "not a velocity family.");
}

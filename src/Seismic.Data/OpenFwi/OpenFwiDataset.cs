using System.Diagnostics.CodeAnalysis;

namespace Seismic.Data.OpenFwi;

/// <summary>
/// One OpenFWI dataset: its name, config key and velocity family, its normalisation bounds and its acquisition
/// metadata, with the fields of OpenFWI's <c>dataset_config.json</c> (<c>data_min</c>, <c>data_max</c>,
/// <c>label_min</c>, <c>label_max</c>, <c>file_size</c>, <c>nbc</c>, <c>dx</c>, <c>nt</c>, <c>dt</c>, <c>f</c>,
/// <c>n_grid</c>, <c>ns</c>, <c>ng</c>, <c>sz</c>, <c>gz</c>; Deng et al. 2022, github.com/lanl/OpenFWI).
/// </summary>
/// <remarks>
/// The ten published datasets are the static members (<see cref="FlatVelA"/> ... <see cref="StyleB"/>, <see cref="All"/>);
/// <see cref="Parse"/> accepts any spelling of their names. Other datasets come from <see cref="OpenFwiConfig.Load"/>
/// (a user JSON file) or from a <c>with</c> expression (<c>OpenFwiDataset.FlatVelA with { Nt = 500 }</c>).
/// Defaults are those shared by all ten published datasets.
/// </remarks>
public sealed record OpenFwiDataset
{
    /// <summary>The dataset's name as OpenFWI spells it, e.g. <c>FlatVel_A</c>.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The config key, lower case with dashes, e.g. <c>flatvel-a</c> (names cache folders and reports). The default value is
    /// <see cref="Name"/> in lower case with underscores turned into dashes.
    /// </summary>
    [AllowNull]
    public string Key
    {
        get => field ?? ToKey(Name);
        init;
    }

    /// <summary>The velocity family of a published dataset; null (the default) for other datasets.</summary>
    public VelocityFamily? Family { get; init; }

    /// <summary>Smallest seismic amplitude of the dataset (<c>data_min</c>), used by the log min-max normalisation.</summary>
    public required double DataMin { get; init; }

    /// <summary>Largest seismic amplitude of the dataset (<c>data_max</c>).</summary>
    public required double DataMax { get; init; }

    /// <summary>Smallest velocity in m/s (<c>label_min</c>). The default value is 1500.</summary>
    public double LabelMin { get; init; } = 1500;

    /// <summary>Largest velocity in m/s (<c>label_max</c>). The default value is 4500.</summary>
    public double LabelMax { get; init; } = 4500;

    /// <summary>Samples per published file (<c>file_size</c>). The default value is 500.</summary>
    public int FileSize { get; init; } = 500;

    /// <summary>Absorbing boundary width in grid cells used by the forward modelling (<c>nbc</c>). The default value is 120.</summary>
    public int Nbc { get; init; } = 120;

    /// <summary>Grid spacing in metres (<c>dx</c>). The default value is 10.</summary>
    public double Dx { get; init; } = 10;

    /// <summary>Time samples per trace (<c>nt</c>). The default value is 1000.</summary>
    public int Nt { get; init; } = 1000;

    /// <summary>Time step in seconds (<c>dt</c>). The default value is 0.001.</summary>
    public double Dt { get; init; } = 0.001;

    /// <summary>Source peak frequency in Hz (<c>f</c>). The default value is 15.</summary>
    public double F { get; init; } = 15;

    /// <summary>Velocity model size in grid cells, depth and distance (<c>n_grid</c>). The default value is 70.</summary>
    public int NGrid { get; init; } = 70;

    /// <summary>Number of shots (<c>ns</c>). The default value is 5.</summary>
    public int Ns { get; init; } = 5;

    /// <summary>Number of receivers (<c>ng</c>). The default value is 70.</summary>
    public int Ng { get; init; } = 70;

    /// <summary>Source depth in metres (<c>sz</c>). The default value is 10.</summary>
    public double Sz { get; init; } = 10;

    /// <summary>Receiver depth in metres (<c>gz</c>). The default value is 10.</summary>
    public double Gz { get; init; } = 10;

    /// <summary>Shape of one seismic sample: (ns, nt, ng), i.e. shots x time samples x receivers.</summary>
    public int[] SeismicShape => [Ns, Nt, Ng];

    /// <summary>Shape of one velocity sample: (1, n_grid, n_grid), i.e. channel x depth x distance.</summary>
    public int[] VelocityShape => [1, NGrid, NGrid];

    /// <summary>FlatVel-A: flat layers (<c>data_min</c> -26.95, <c>data_max</c> 52.77).</summary>
    public static OpenFwiDataset FlatVelA { get; } = Published(VelocityFamily.FlatVelA, "FlatVel_A", -26.95, 52.77);

    /// <summary>FlatVel-B: more flat layers (<c>data_min</c> -27.17, <c>data_max</c> 56.05).</summary>
    public static OpenFwiDataset FlatVelB { get; } = Published(VelocityFamily.FlatVelB, "FlatVel_B", -27.17, 56.05);

    /// <summary>CurveVel-A: curved layers (<c>data_min</c> -27.11, <c>data_max</c> 55.10).</summary>
    public static OpenFwiDataset CurveVelA { get; } = Published(VelocityFamily.CurveVelA, "CurveVel_A", -27.11, 55.10);

    /// <summary>CurveVel-B: more strongly curved layers (<c>data_min</c> -29.04, <c>data_max</c> 57.03).</summary>
    public static OpenFwiDataset CurveVelB { get; } = Published(VelocityFamily.CurveVelB, "CurveVel_B", -29.04, 57.03);

    /// <summary>FlatFault-A: flat layers with a fault (<c>data_min</c> -26.10, <c>data_max</c> 50.86).</summary>
    public static OpenFwiDataset FlatFaultA { get; } = Published(VelocityFamily.FlatFaultA, "FlatFault_A", -26.10, 50.86);

    /// <summary>FlatFault-B: flat layers with up to two faults (<c>data_min</c> -24.86, <c>data_max</c> 50.28).</summary>
    public static OpenFwiDataset FlatFaultB { get; } = Published(VelocityFamily.FlatFaultB, "FlatFault_B", -24.86, 50.28);

    /// <summary>CurveFault-A: curved layers with a fault (<c>data_min</c> -26.48, <c>data_max</c> 52.32).</summary>
    public static OpenFwiDataset CurveFaultA { get; } = Published(VelocityFamily.CurveFaultA, "CurveFault_A", -26.48, 52.32);

    /// <summary>CurveFault-B: curved layers with up to two faults (<c>data_min</c> -24.93, <c>data_max</c> 50.98).</summary>
    public static OpenFwiDataset CurveFaultB { get; } = Published(VelocityFamily.CurveFaultB, "CurveFault_B", -24.93, 50.98);

    /// <summary>Style-A: smooth natural-image texture (<c>data_min</c> -24.96, <c>data_max</c> 48.93).</summary>
    public static OpenFwiDataset StyleA { get; } = Published(VelocityFamily.StyleA, "Style_A", -24.96, 48.93);

    /// <summary>Style-B: rougher natural-image texture (<c>data_min</c> -23.76, <c>data_max</c> 46.01).</summary>
    public static OpenFwiDataset StyleB { get; } = Published(VelocityFamily.StyleB, "Style_B", -23.76, 46.01);

    /// <summary>The ten published datasets in OpenFWI's order (the order of <see cref="VelocityFamily"/>).</summary>
    public static IReadOnlyList<OpenFwiDataset> All { get; } =
        [FlatVelA, FlatVelB, CurveVelA, CurveVelB, FlatFaultA, FlatFaultB, CurveFaultA, CurveFaultB, StyleA, StyleB];

    /// <summary>The published dataset of <paramref name="family"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="VelocityFamily"/>.</exception>
    public static OpenFwiDataset For(VelocityFamily family) =>
        (uint)family < (uint)All.Count ? All[(int)family] : throw new ArgumentOutOfRangeException(nameof(family), family, "not a velocity family.");

    /// <summary>
    /// The published dataset called <paramref name="name"/>: its name (<c>FlatVel_A</c>), key (<c>flatvel-a</c>) or family
    /// (<c>FlatVelA</c>), ignoring case; underscores and dashes are interchangeable.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid names.</exception>
    public static OpenFwiDataset Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryParse(name, out var dataset)
            ? dataset
            : throw new ArgumentException($"unknown OpenFWI dataset '{name}'; expected one of {string.Join(", ", All.Select(d => d.Name))}.", nameof(name));
    }

    /// <summary>Looks up a published dataset like <see cref="Parse"/>; false when <paramref name="name"/> names none.</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, [NotNullWhen(true)] out OpenFwiDataset? dataset)
    {
        dataset = null;
        if (string.IsNullOrWhiteSpace(name)) return false;
        var key = ToKey(name);
        foreach (var d in All)
        {
            if (key == d.Key || string.Equals(name.Trim(), d.Family.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                dataset = d;
                return true;
            }
        }
        return false;
    }

    /// <summary>Checks that the values are usable.</summary>
    /// <exception cref="ArgumentException">
    /// A blank <see cref="Name"/> or <see cref="Key"/>, an empty bound range, or a size that is not positive; the message
    /// names the dataset, the property and its <c>dataset_config.json</c> key.
    /// </exception>
    public void Validate()
    {
        Check.That(!string.IsNullOrWhiteSpace(Name), nameof(Name), "must not be blank");
        Check.That(!string.IsNullOrWhiteSpace(Key), nameof(Key), $"must not be blank (dataset '{Name}')");
        Check.That(DataMax > DataMin, nameof(DataMax), $"(data_max = {DataMax}) must be greater than DataMin (data_min = {DataMin}) (dataset '{Key}')");
        Check.That(LabelMax > LabelMin, nameof(LabelMax), $"(label_max = {LabelMax}) must be greater than LabelMin (label_min = {LabelMin}) (dataset '{Key}')");
        foreach (var (value, property, key) in new[] { (Nt, nameof(Nt), "nt"), (Ns, nameof(Ns), "ns"), (Ng, nameof(Ng), "ng"), (NGrid, nameof(NGrid), "n_grid") })
            Check.That(value > 0, property, $"({key}) must be positive, got {value} (dataset '{Key}')");
    }

    /// <summary>The <see cref="Name"/>.</summary>
    public override string ToString() => Name;

    /// <summary>A dataset name's config key: <c>FlatVel_A</c> -> <c>flatvel-a</c> (trimmed, lower case, underscores to dashes).</summary>
    internal static string ToKey(string name) => name.Trim().ToLowerInvariant().Replace('_', '-');

    private static OpenFwiDataset Published(VelocityFamily family, string name, double dataMin, double dataMax) =>
        new() { Name = name, Family = family, DataMin = dataMin, DataMax = dataMax };
}

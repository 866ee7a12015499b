namespace Seismic.Data.OpenFwi;

/// <summary>
/// One OpenFWI dataset's normalisation bounds and acquisition metadata, with the keys of OpenFWI's
/// <c>dataset_config.json</c> (<c>data_min</c>, <c>data_max</c>, <c>label_min</c>, <c>label_max</c>, <c>file_size</c>,
/// <c>nbc</c>, <c>dx</c>, <c>nt</c>, <c>dt</c>, <c>f</c>, <c>n_grid</c>, <c>ns</c>, <c>ng</c>, <c>sz</c>, <c>gz</c>).
/// Defaults are those shared by all ten published datasets.
/// </summary>
public sealed record OpenFwiDatasetInfo
{
    /// <summary>The config key, lower case with dashes (e.g. <c>flatvel-a</c>).</summary>
    public required string Key { get; init; }

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

    /// <summary>Checks that the values are usable.</summary>
    /// <exception cref="ArgumentException">A bound range is empty or a size is not positive; the message names the key.</exception>
    public void Validate()
    {
        if (!(DataMax > DataMin)) throw new ArgumentException($"dataset '{Key}': data_max ({DataMax}) must be greater than data_min ({DataMin}).");
        if (!(LabelMax > LabelMin)) throw new ArgumentException($"dataset '{Key}': label_max ({LabelMax}) must be greater than label_min ({LabelMin}).");
        if (Nt <= 0 || Ns <= 0 || Ng <= 0 || NGrid <= 0)
            throw new ArgumentException($"dataset '{Key}': nt, ns, ng and n_grid must be positive (got nt={Nt}, ns={Ns}, ng={Ng}, n_grid={NGrid}).");
    }
}

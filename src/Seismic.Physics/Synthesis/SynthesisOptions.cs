using System.Diagnostics.CodeAnalysis;
using Seismic.Data;
using Seismic.Data.OpenFwi;
using Seismic.Physics.Acquisition;
using Seismic.Physics.Families;

namespace Seismic.Physics.Synthesis;

/// <summary>
/// What <see cref="DatasetSynthesizer"/> writes:
/// <code>
/// var options = new SynthesisOptions { Family = VelocityFamily.FlatVelA, OutputDirectory = "/data/flatvel-a", Seed = 7 };
/// var small = options with { TrainSamples = 8, ValidationSamples = 4 };
/// </code>
/// Immutable; <see cref="Validate"/> runs when a <see cref="DatasetSynthesizer"/> is created.
/// </summary>
public sealed record SynthesisOptions
{
    /// <summary>The velocity family whose models are generated (its OpenFWI dataset, <see cref="OpenFwiDataset.For"/>, names the files and bounds). Required.</summary>
    public required VelocityFamily Family { get; init; }

    /// <summary>The dataset root; <c>train/</c>, <c>val/</c> and <c>manifest.json</c> go inside. Required.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Training samples. The default value is 1000.</summary>
    public int TrainSamples { get; init; } = 1000;

    /// <summary>Validation samples. The default value is 200.</summary>
    public int ValidationSamples { get; init; } = 200;

    /// <summary>Samples per .npy file (the last file of a split may hold fewer). The default value is 500, as in OpenFWI.</summary>
    public int SamplesPerFile { get; init; } = 500;

    /// <summary>Seed of the velocity models. The default value is 0.</summary>
    public Seed Seed { get; init; }

    /// <summary>The acquisition. The default value is <see cref="AcquisitionOptions.OpenFwi"/>.</summary>
    public AcquisitionOptions Acquisition { get; init; } = AcquisitionOptions.OpenFwi;

    /// <summary>
    /// The generator's knobs. The default value is <see cref="FamilyParameters.For"/> of <see cref="Family"/> (following
    /// <see cref="Family"/> while not set; setting null restores it).
    /// </summary>
    [AllowNull]
    public FamilyParameters Parameters
    {
        get => field ?? FamilyParameters.For(Family);
        init;
    }

    /// <summary>Threads for forward modelling; -1 uses all cores. The default value is -1.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Checks every value, the acquisition and the generator's knobs included.</summary>
    /// <exception cref="ArgumentException">A value is out of range, an empty output directory, or no acquisition; ParamName and the message name it.</exception>
    public void Validate()
    {
        Check.That(Enum.IsDefined(Family), nameof(Family), $"must be a VelocityFamily value, got {Family}");
        Check.That(!string.IsNullOrWhiteSpace(OutputDirectory), nameof(OutputDirectory), "must be a folder path");
        Check.Set(Acquisition, nameof(Acquisition));
        Check.That(TrainSamples >= 0, nameof(TrainSamples), $"must be >= 0, got {TrainSamples}");
        Check.That(ValidationSamples >= 0, nameof(ValidationSamples), $"must be >= 0, got {ValidationSamples}");
        Check.That(TrainSamples + (long)ValidationSamples > 0, nameof(TrainSamples), "+ ValidationSamples must be >= 1");
        Check.Nested(nameof(Acquisition), Acquisition.Validate);
        Check.Nested(nameof(Parameters), () => Parameters.Validate(Family, Acquisition.ModelDepth));
        long perFileBytes = (long)SamplesPerFile * Acquisition.SeismicSize * sizeof(float);
        Check.That(SamplesPerFile >= 1 && perFileBytes <= (1L << 40), nameof(SamplesPerFile), $"must be >= 1 (and a file under 1 TiB), got {SamplesPerFile}");
        Check.That(MaxDegreeOfParallelism is -1 or > 0, nameof(MaxDegreeOfParallelism), $"must be -1 or positive, got {MaxDegreeOfParallelism}");
        // The velocity generator needs at least 8 x 8 cells.
        Check.That(Acquisition.ModelDepth >= 8, "Acquisition.ModelDepth", $"must be at least 8 to generate velocity models, got {Acquisition.ModelDepth}");
        Check.That(Acquisition.ModelWidth >= 8, "Acquisition.ModelWidth", $"must be at least 8 to generate velocity models, got {Acquisition.ModelWidth}");
    }
}

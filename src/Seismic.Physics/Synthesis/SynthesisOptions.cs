using Seismic.Physics.Acquisition;
using Seismic.Physics.Families;

namespace Seismic.Physics.Synthesis;

/// <summary>
/// What <see cref="DatasetSynthesizer"/> writes. Build with <see cref="CreateBuilder"/>; validated at build time.
/// </summary>
public sealed class SynthesisOptions
{
    internal SynthesisOptions(VelocityFamily family, string outputDirectory, int trainSamples, int validationSamples, int samplesPerFile,
                              ulong seed, AcquisitionOptions acquisition, FamilyParameters parameters, int maxDegreeOfParallelism)
    {
        Family = family;
        OutputDirectory = outputDirectory;
        TrainSamples = trainSamples;
        ValidationSamples = validationSamples;
        SamplesPerFile = samplesPerFile;
        Seed = seed;
        Acquisition = acquisition;
        Parameters = parameters;
        MaxDegreeOfParallelism = maxDegreeOfParallelism;
        Validate();
    }

    /// <summary>The velocity family.</summary>
    public VelocityFamily Family { get; }

    /// <summary>The dataset root; <c>train/</c>, <c>val/</c> and <c>manifest.json</c> go inside.</summary>
    public string OutputDirectory { get; }

    /// <summary>Training samples. The default value is 1000.</summary>
    public int TrainSamples { get; }

    /// <summary>Validation samples. The default value is 200.</summary>
    public int ValidationSamples { get; }

    /// <summary>Samples per .npy file (the last file of a split may hold fewer). The default value is 500, as in OpenFWI.</summary>
    public int SamplesPerFile { get; }

    /// <summary>Seed of the velocity models. The default value is 0.</summary>
    public ulong Seed { get; }

    /// <summary>The acquisition. The default value is <see cref="AcquisitionOptions.OpenFwi"/>.</summary>
    public AcquisitionOptions Acquisition { get; }

    /// <summary>The generator's knobs. The default value is <see cref="FamilyParameters.For"/> of the family.</summary>
    public FamilyParameters Parameters { get; }

    /// <summary>Threads for forward modelling; -1 (the default) uses all cores.</summary>
    public int MaxDegreeOfParallelism { get; }

    /// <summary>A builder for <paramref name="family"/> writing into <paramref name="outputDirectory"/>.</summary>
    public static SynthesisOptionsBuilder CreateBuilder(VelocityFamily family, string outputDirectory) => new(family, outputDirectory);

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    /// <exception cref="ArgumentException">An empty output directory.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutputDirectory)) throw new ArgumentException("OutputDirectory must be a folder path.", nameof(OutputDirectory));
        if (TrainSamples < 0) throw new ArgumentOutOfRangeException(nameof(TrainSamples), TrainSamples, "TrainSamples must be >= 0.");
        if (ValidationSamples < 0) throw new ArgumentOutOfRangeException(nameof(ValidationSamples), ValidationSamples, "ValidationSamples must be >= 0.");
        if (TrainSamples + (long)ValidationSamples == 0) throw new ArgumentOutOfRangeException(nameof(TrainSamples), 0, "TrainSamples + ValidationSamples must be >= 1.");
        long perFileBytes = (long)SamplesPerFile * Acquisition.SeismicSize * sizeof(float);
        if (SamplesPerFile < 1 || perFileBytes > (1L << 40))
            throw new ArgumentOutOfRangeException(nameof(SamplesPerFile), SamplesPerFile, "SamplesPerFile must be >= 1 (and a file under 1 TiB).");
        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be -1 or positive.");
        _ = new VelocityModelGenerator(Family, Parameters, Acquisition.ModelDepth, Acquisition.ModelWidth); // validates Parameters
    }
}

/// <summary>Fluent builder for <see cref="SynthesisOptions"/>.</summary>
public sealed class SynthesisOptionsBuilder
{
    private readonly VelocityFamily _family;
    private readonly string _out;
    private int _train = 1000, _val = 200, _perFile = 500, _threads = -1;
    private ulong _seed;
    private AcquisitionOptions _acquisition = AcquisitionOptions.OpenFwi;
    private FamilyParameters? _parameters;

    internal SynthesisOptionsBuilder(VelocityFamily family, string outputDirectory)
    {
        _family = family;
        _out = outputDirectory;
    }

    /// <summary>Sets the number of training samples (default 1000).</summary>
    public SynthesisOptionsBuilder WithTrainSamples(int count) { _train = count; return this; }

    /// <summary>Sets the number of validation samples (default 200).</summary>
    public SynthesisOptionsBuilder WithValidationSamples(int count) { _val = count; return this; }

    /// <summary>Sets the samples per file (default 500).</summary>
    public SynthesisOptionsBuilder WithSamplesPerFile(int count) { _perFile = count; return this; }

    /// <summary>Sets the seed (default 0).</summary>
    public SynthesisOptionsBuilder WithSeed(ulong seed) { _seed = seed; return this; }

    /// <summary>Sets the acquisition (default OpenFWI).</summary>
    public SynthesisOptionsBuilder WithAcquisition(AcquisitionOptions acquisition) { _acquisition = acquisition ?? throw new ArgumentNullException(nameof(acquisition)); return this; }

    /// <summary>Overrides the family's generator knobs.</summary>
    public SynthesisOptionsBuilder WithFamilyParameters(FamilyParameters parameters) { _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters)); return this; }

    /// <summary>Sets the forward-modelling threads (default -1: all cores).</summary>
    public SynthesisOptionsBuilder WithMaxDegreeOfParallelism(int threads) { _threads = threads; return this; }

    /// <summary>Builds and validates.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public SynthesisOptions Build() =>
        new(_family, _out, _train, _val, _perFile, _seed, _acquisition, _parameters ?? FamilyParameters.For(_family), _threads);
}

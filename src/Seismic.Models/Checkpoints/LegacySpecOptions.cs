using Seismic.Data.OpenFwi;
using Seismic.Diffusion;
using Seismic.Diffusion.Corruption;

namespace Seismic.Models.Checkpoints;

/// <summary>
/// The model part of the flat options that checkpoints kept in their <c>meta</c> section before the spec had a section
/// of its own (the library's first public API); read only, to load those files. Seismic.Training reads the training
/// part of the same object itself.
/// </summary>
internal sealed class LegacySpecOptions
{
    public string DatasetName { get; set; } = "FlatVel_A";
    public string? DataConfigPath { get; set; }
    public int ImageSize { get; set; } = 256;
    public string Model { get; set; } = "unet_ch32";
    public AdmUNetOptions? Network { get; set; }
    public bool PredX0 { get; set; }
    public int Interval { get; set; } = 1000;
    public double BetaMax { get; set; } = 0.3;
    public double T0 { get; set; } = 1e-4;
    public double T { get; set; } = 1.0;
    public bool OtOde { get; set; }
    public bool ClipDenoise { get; set; }
    public string Corrupt { get; set; } = "blur-openfwi_custom";

    /// <summary>The spec these options describe; the dataset bounds come from the JSON config they name, when it still exists.</summary>
    public ModelSpec ToSpec(string path)
    {
        var config = DataConfigPath is not null && File.Exists(DataConfigPath) ? OpenFwiConfig.Load(DataConfigPath) : OpenFwiConfig.Default;
        if (!config.TryGet(DatasetName, out var dataset))
            throw new InvalidDataException($"{path}: the checkpoint was trained on dataset '{DatasetName}', whose bounds are unknown " +
                                           $"(its config file {DataConfigPath ?? "(none)"} is missing)");
        if (!ModelPreset.TryParse(Model, out var preset) && Network is null)
            throw new InvalidDataException($"{path}: the checkpoint names an unknown U-Net preset '{Model}'");
        if (!CorruptionPreset.TryParse(Corrupt, out var corruption))
            throw new InvalidDataException($"{path}: the checkpoint names an unknown corruption '{Corrupt}'");
        return new ModelSpec
        {
            Network = Network ?? preset.Network,
            Bridge = new BridgeOptions
            {
                Interval = Interval, BetaMax = BetaMax, T0 = T0, T = T, OtOde = OtOde,
                Parameterization = PredX0 ? BridgeParameterization.PredX0 : BridgeParameterization.NoiseLike,
            },
            Corruption = corruption,
            Dataset = dataset,
            ImageSize = ImageSize,
            ClipDenoise = ClipDenoise,
        };
    }
}

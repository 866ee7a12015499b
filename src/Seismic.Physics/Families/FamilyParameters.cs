using Seismic.Data.OpenFwi;

namespace Seismic.Physics.Families;

/// <summary>
/// The knobs of a family's generator (all documented in docs/physics.md). <see cref="For"/> gives the presets; use
/// <c>with</c> expressions to vary them. Velocities are m/s, lengths are cells (10 m).
/// </summary>
public sealed record FamilyParameters
{
    /// <summary>Fewest layers (layered families).</summary>
    public int MinLayers { get; init; }

    /// <summary>Most layers (layered families).</summary>
    public int MaxLayers { get; init; }

    /// <summary>Thinnest layer in cells.</summary>
    public int MinThickness { get; init; } = 4;

    /// <summary>Lowest velocity of the top layer (or of the Style trend's top), m/s.</summary>
    public double TopVelocityMin { get; init; }

    /// <summary>Highest velocity of the top layer (or of the Style trend's top), m/s.</summary>
    public double TopVelocityMax { get; init; }

    /// <summary>Smallest velocity change from one layer to the next, m/s.</summary>
    public double MinStep { get; init; }

    /// <summary>Largest velocity change from one layer to the next, m/s.</summary>
    public double MaxStep { get; init; }

    /// <summary>Probability that a layer is slower than the one above (a velocity inversion).</summary>
    public double InversionProbability { get; init; }

    /// <summary>Largest interface undulation amplitude in cells (0: flat).</summary>
    public double CurveAmplitude { get; init; }

    /// <summary>Shortest undulation wavelength in cells.</summary>
    public double CurveWavelengthMin { get; init; } = 30;

    /// <summary>Longest undulation wavelength in cells.</summary>
    public double CurveWavelengthMax { get; init; } = 120;

    /// <summary>Weight of a second, shorter harmonic in the interfaces (0: pure sinusoid).</summary>
    public double SecondHarmonic { get; init; }

    /// <summary>Fewest faults.</summary>
    public int MinFaults { get; init; }

    /// <summary>Most faults.</summary>
    public int MaxFaults { get; init; }

    /// <summary>Smallest fault throw (vertical offset) in cells.</summary>
    public int MinThrow { get; init; }

    /// <summary>Largest fault throw in cells.</summary>
    public int MaxThrow { get; init; }

    /// <summary>Largest fault dip away from vertical, degrees.</summary>
    public double MaxDipDegrees { get; init; } = 35;

    /// <summary>Style only: Gaussian smoothing of the texture in cells (larger is smoother).</summary>
    public double TextureSigma { get; init; }

    /// <summary>Style only: texture amplitude range (standard deviation), m/s, drawn uniformly in [min, max].</summary>
    public double TextureAmplitudeMin { get; init; }

    /// <summary>Style only: see <see cref="TextureAmplitudeMin"/>.</summary>
    public double TextureAmplitudeMax { get; init; }

    /// <summary>Style only: velocity increase from top to bottom of the trend, m/s, drawn uniformly in [min, max].</summary>
    public double TrendMin { get; init; }

    /// <summary>Style only: see <see cref="TrendMin"/>.</summary>
    public double TrendMax { get; init; }

    /// <summary>Checks the knobs for <paramref name="family"/> (the Style families use only their own) on a model of <paramref name="depth"/> rows.</summary>
    /// <exception cref="ArgumentException">A knob is out of range; ParamName and the message name it (<c>MinLayers</c>, ...) with the allowed range.</exception>
    public void Validate(VelocityFamily family, int depth = 70)
    {
        static void Require(bool ok, string name, string range) => Check.That(ok, name, $"must be {range}");
        bool style = family is VelocityFamily.StyleA or VelocityFamily.StyleB;
        Require(TopVelocityMin >= VelocityModelGenerator.MinVelocity && TopVelocityMax <= VelocityModelGenerator.MaxVelocity && TopVelocityMin <= TopVelocityMax,
            nameof(TopVelocityMin), "within [1500, 4500] m/s and <= TopVelocityMax");
        if (style)
        {
            Require(TextureSigma > 0, nameof(TextureSigma), "positive");
            Require(TextureAmplitudeMin >= 0 && TextureAmplitudeMin <= TextureAmplitudeMax, nameof(TextureAmplitudeMin), ">= 0 and <= TextureAmplitudeMax");
            Require(TrendMin <= TrendMax, nameof(TrendMin), "<= TrendMax");
            return;
        }
        Require(MinLayers >= 1 && MinLayers <= MaxLayers, nameof(MinLayers), ">= 1 and <= MaxLayers");
        Require(MinThickness >= 1 && MaxLayers * MinThickness <= depth, nameof(MinThickness), $">= 1 with MaxLayers * MinThickness <= {depth}");
        Require(MinStep >= 0 && MinStep <= MaxStep, nameof(MinStep), ">= 0 and <= MaxStep");
        Require(InversionProbability is >= 0 and <= 1, nameof(InversionProbability), "within [0, 1]");
        Require(CurveAmplitude >= 0, nameof(CurveAmplitude), ">= 0");
        Require(CurveWavelengthMin > 0 && CurveWavelengthMin <= CurveWavelengthMax, nameof(CurveWavelengthMin), "positive and <= CurveWavelengthMax");
        Require(MinFaults >= 0 && MinFaults <= MaxFaults, nameof(MinFaults), ">= 0 and <= MaxFaults");
        Require(MinThrow >= 0 && MinThrow <= MaxThrow, nameof(MinThrow), ">= 0 and <= MaxThrow");
        Require(MaxDipDegrees is >= 0 and < 90, nameof(MaxDipDegrees), "within [0, 90)");
    }

    /// <summary>The preset of a family.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a family.</exception>
    public static FamilyParameters For(VelocityFamily family)
    {
        var flatA = new FamilyParameters
        {
            MinLayers = 2, MaxLayers = 4, TopVelocityMin = 1500, TopVelocityMax = 2500, MinStep = 200, MaxStep = 800,
        };
        var flatB = new FamilyParameters
        {
            MinLayers = 4, MaxLayers = 7, MinThickness = 3, TopVelocityMin = 1500, TopVelocityMax = 2600, MinStep = 150, MaxStep = 1200,
            InversionProbability = 0.2,
        };
        return family switch
        {
            VelocityFamily.FlatVelA => flatA,
            VelocityFamily.FlatVelB => flatB,
            VelocityFamily.CurveVelA => flatA with { CurveAmplitude = 6 },
            VelocityFamily.CurveVelB => flatB with { CurveAmplitude = 10, CurveWavelengthMin = 20, SecondHarmonic = 0.4 },
            VelocityFamily.FlatFaultA => flatA with { MinLayers = 3, MaxLayers = 5, MinFaults = 1, MaxFaults = 1, MinThrow = 4, MaxThrow = 15 },
            VelocityFamily.FlatFaultB => flatB with { MinFaults = 1, MaxFaults = 2, MinThrow = 6, MaxThrow = 25, MaxDipDegrees = 45 },
            VelocityFamily.CurveFaultA => flatA with { MinLayers = 3, MaxLayers = 5, CurveAmplitude = 6, MinFaults = 1, MaxFaults = 1, MinThrow = 4, MaxThrow = 15 },
            VelocityFamily.CurveFaultB => flatB with
            {
                CurveAmplitude = 10, CurveWavelengthMin = 20, SecondHarmonic = 0.4, MinFaults = 1, MaxFaults = 2, MinThrow = 6, MaxThrow = 25, MaxDipDegrees = 45,
            },
            VelocityFamily.StyleA => new FamilyParameters
            {
                TopVelocityMin = 1600, TopVelocityMax = 2600, TrendMin = 500, TrendMax = 1500, TextureSigma = 6, TextureAmplitudeMin = 100, TextureAmplitudeMax = 300,
            },
            VelocityFamily.StyleB => new FamilyParameters
            {
                TopVelocityMin = 1600, TopVelocityMax = 2800, TrendMin = 300, TrendMax = 2000, TextureSigma = 2.5, TextureAmplitudeMin = 250, TextureAmplitudeMax = 600,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a velocity family."),
        };
    }
}

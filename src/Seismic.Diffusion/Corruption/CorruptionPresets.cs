namespace Seismic.Diffusion.Corruption;

/// <summary>
/// The reference's corruption operators by name (SPEC 5). README state: <c>blur-openfwi_custom</c> (sigma 8-24,
/// noise [0, 0.3)) and <c>blur-openfwi_benchmark</c> (sigma 9, no noise), both in [0, 1] space. Later variants,
/// directly in [-1, 1]: <c>blur-ci2sb_baseline</c> (sigma 8-16, noise [0, 0.2)) and
/// <c>blur-openfwi_benchmark_A</c>/<c>_B</c>/<c>_C</c> (sigma 9 / 19 / 49, no noise).
/// </summary>
public static class CorruptionPresets
{
    private static readonly (string Name, int SigmaFloor, int SigmaCeil, double NoiseCeil, bool UnitInterval)[] Table =
    [
        ("blur-openfwi_custom", 8, 24, 0.3, true),
        ("blur-openfwi_benchmark", 9, 9, 0.0, true),
        ("blur-ci2sb_baseline", 8, 16, 0.2, false),
        ("blur-openfwi_benchmark_A", 9, 9, 0.0, false),
        ("blur-openfwi_benchmark_B", 19, 19, 0.0, false),
        ("blur-openfwi_benchmark_C", 49, 49, 0.0, false),
    ];

    /// <summary>Every preset name, in the order above.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(t => t.Name).ToArray();

    /// <summary>The options of a preset (a fresh object the caller may change).</summary>
    /// <param name="name">A preset name (case-insensitive), e.g. <c>blur-openfwi_custom</c>.</param>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the valid names.</exception>
    public static GaussianMixtureBlurOptions Options(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var t in Table)
        {
            if (string.Equals(t.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
                return new GaussianMixtureBlurOptions
                {
                    SigmaFloor = t.SigmaFloor,
                    SigmaCeil = t.SigmaCeil,
                    NoiseFloor = 0,
                    NoiseCeil = t.NoiseCeil,
                    UnitInterval = t.UnitInterval,
                };
        }
        throw new ArgumentException($"Unknown corruption '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>Creates the operator of a preset.</summary>
    /// <param name="name">A preset name (case-insensitive).</param>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the valid names.</exception>
    public static GaussianMixtureBlur Create(string name)
    {
        var options = Options(name);
        return new GaussianMixtureBlur(options, Names.First(n => string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase)));
    }
}

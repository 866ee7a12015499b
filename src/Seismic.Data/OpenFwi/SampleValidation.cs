namespace Seismic.Data.OpenFwi;

/// <summary>
/// The checks every raw sample passes before it is transformed or cached ("validation at the door"): seismic
/// amplitudes finite, velocities finite and within <see cref="MinVelocity"/>..<see cref="MaxVelocity"/> m/s.
/// A NaN would otherwise train a NaN model, and a velocity of 0 or 1e30 m/s is a unit or file mix-up.
/// </summary>
public static class SampleValidation
{
    /// <summary>The slowest plausible velocity in m/s (air carries sound at 343 m/s; no rock or sediment is below 100).</summary>
    public const float MinVelocity = 100f;

    /// <summary>The fastest plausible velocity in m/s (the Earth's lower mantle reaches about 13,700 m/s).</summary>
    public const float MaxVelocity = 20_000f;

    /// <summary>Checks one raw seismic sample (ns, nt, ng).</summary>
    /// <param name="seismic">The sample's amplitudes.</param>
    /// <param name="info">Its dataset (shapes).</param>
    /// <param name="filePath">The file, for the message.</param>
    /// <param name="sampleInFile">The sample's index in the file, for the message.</param>
    /// <exception cref="InvalidSampleException">A value is NaN or infinite.</exception>
    public static void CheckSeismic(ReadOnlySpan<float> seismic, OpenFwiDataset info, string filePath, int sampleInFile)
    {
        ArgumentNullException.ThrowIfNull(info);
        for (int i = 0; i < seismic.Length; i++)
        {
            if (float.IsFinite(seismic[i])) continue;
            int perShot = info.Nt * info.Ng;
            throw new InvalidSampleException(filePath, sampleInFile,
                $"{filePath}: sample {sampleInFile} holds {seismic[i]} at (shot {i / perShot}, time {i % perShot / info.Ng}, receiver {i % info.Ng}); " +
                "seismic data must be finite (fix or remove the sample)");
        }
    }

    /// <summary>Checks one raw velocity model (1, n_grid, n_grid) in m/s.</summary>
    /// <param name="velocity">The model's velocities.</param>
    /// <param name="info">Its dataset (shapes).</param>
    /// <param name="filePath">The file, for the message.</param>
    /// <param name="sampleInFile">The sample's index in the file, for the message.</param>
    /// <exception cref="InvalidSampleException">A velocity is non-finite or outside the plausible range.</exception>
    public static void CheckVelocity(ReadOnlySpan<float> velocity, OpenFwiDataset info, string filePath, int sampleInFile)
    {
        ArgumentNullException.ThrowIfNull(info);
        int bad = FirstImplausibleVelocity(velocity);
        if (bad < 0) return;
        throw new InvalidSampleException(filePath, sampleInFile,
            $"{filePath}: sample {sampleInFile} holds velocity {velocity[bad]} m/s at (z {bad / info.NGrid}, x {bad % info.NGrid}); " +
            $"velocities must be finite and within [{MinVelocity}, {MaxVelocity}] m/s");
    }

    /// <summary>The index of the first velocity that is non-finite or outside [<see cref="MinVelocity"/>, <see cref="MaxVelocity"/>] m/s, or -1.</summary>
    public static int FirstImplausibleVelocity(ReadOnlySpan<float> metersPerSecond)
    {
        for (int i = 0; i < metersPerSecond.Length; i++)
            if (metersPerSecond[i] is not (>= MinVelocity and <= MaxVelocity)) return i; // NaN fails both comparisons
        return -1;
    }
}

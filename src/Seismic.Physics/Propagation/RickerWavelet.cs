namespace Seismic.Physics.Propagation;

/// <summary>The Ricker source wavelet as OpenFWI makes it.</summary>
internal static class RickerWavelet
{
    /// <summary>
    /// Number of non-zero wavelet samples: <c>2 floor(2.2 / (f dt) / 2) + 1</c> (147 for 15 Hz at 1 ms); the peak is at the middle sample.
    /// </summary>
    /// <param name="frequency">Peak frequency in Hz.</param>
    /// <param name="dt">Sample interval in seconds.</param>
    public static int Length(double frequency, double dt) => 2 * (int)Math.Floor(2.2 / (frequency * dt) / 2) + 1;

    /// <summary>
    /// The wavelet <c>w[k] = (1 - 2 b) exp(-b)</c>, <c>b = (pi f dt (c - k))^2</c> with <c>c = Length/2</c> (73 for 15 Hz at 1 ms),
    /// zero-padded (or truncated) to <paramref name="samples"/>.
    /// </summary>
    /// <param name="frequency">Peak frequency in Hz (default acquisition: 15).</param>
    /// <param name="dt">Sample interval in seconds (default acquisition: 0.001).</param>
    /// <param name="samples">Length of the returned array (the number of time steps).</param>
    /// <returns>The wavelet, one value per time step; dimensionless, peak 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive frequency, step or sample count.</exception>
    public static double[] Create(double frequency, double dt, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frequency);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dt);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        int length = Length(frequency, dt);
        int centre = length / 2;
        var w = new double[samples];
        for (int k = 0; k < Math.Min(length, samples); k++)
        {
            double a = Math.PI * frequency * dt * (centre - k);
            double b = a * a;
            w[k] = (1 - 2 * b) * Math.Exp(-b);
        }
        return w;
    }
}

using Seismic.Data.OpenFwi;

namespace Seismic.Data.Transforms;

/// <summary>
/// OpenFWI's normalisation to [-1, 1] (docs/data.md, "Normalisation and resizing"; OpenFWI's <c>transforms.py</c>,
/// github.com/lanl/OpenFWI). Seismic: <c>g(x) = sign(x) log1p(|x|)</c>, then
/// <c>((g(x) - g(data_min)) / (g(data_max) - g(data_min)) - 0.5) * 2</c>, no clipping. Velocity:
/// <c>((v - label_min) / (label_max - label_min) - 0.5) * 2</c>; with the published bounds one normalised unit is 1500 m/s.
/// Arithmetic in float64, results in float32. Immutable and thread-safe.
/// </summary>
public sealed class OpenFwiNormalization
{
    private readonly double _gMin;
    private readonly double _gScale;   // 2 / (g(max) - g(min))
    private readonly double _vMin;
    private readonly double _vScale;   // 2 / (label_max - label_min)

    /// <summary>Creates the normalisation for one dataset's bounds.</summary>
    /// <exception cref="ArgumentException">The bounds are empty ranges.</exception>
    public OpenFwiNormalization(OpenFwiDataset info)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.Validate();
        Info = info;
        _gMin = LogTransform(info.DataMin);
        _gScale = 2.0 / (LogTransform(info.DataMax) - _gMin);
        _vMin = info.LabelMin;
        _vScale = 2.0 / (info.LabelMax - info.LabelMin);
    }

    /// <summary>The bounds used.</summary>
    public OpenFwiDataset Info { get; }

    /// <summary>Metres per second per normalised velocity unit: <c>(label_max - label_min) / 2</c> (1500 for OpenFWI).</summary>
    public double MetersPerSecondPerUnit => 1.0 / _vScale;

    /// <summary>OpenFWI's signed log transform <c>sign(x) * log1p(|x|)</c>; NaN stays NaN.</summary>
    // CopySign, not Math.Sign: Math.Sign(NaN) throws, and sign(0) * log(1) is 0 either way.
    public static double LogTransform(double x) => Math.CopySign(Math.Log(1.0 + Math.Abs(x)), x);

    /// <summary>Normalises one seismic amplitude.</summary>
    public float NormalizeSeismic(float x) => (float)((LogTransform(x) - _gMin) * _gScale - 1.0);

    /// <summary>Normalises one velocity in m/s.</summary>
    public float NormalizeVelocity(float metersPerSecond) => (float)((metersPerSecond - _vMin) * _vScale - 1.0);

    /// <summary>Turns a normalised velocity back into m/s.</summary>
    public float DenormalizeVelocity(float normalized) => (float)((normalized + 1.0) / _vScale + _vMin);

    /// <summary>Normalises seismic amplitudes; <paramref name="destination"/> may be the same memory as <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public void NormalizeSeismic(ReadOnlySpan<float> source, Span<float> destination)
    {
        CheckLengths(source.Length, destination.Length);
        for (int i = 0; i < source.Length; i++) destination[i] = NormalizeSeismic(source[i]);
    }

    /// <summary>Normalises velocities given in m/s.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public void NormalizeVelocity(ReadOnlySpan<float> metersPerSecond, Span<float> destination)
    {
        CheckLengths(metersPerSecond.Length, destination.Length);
        for (int i = 0; i < metersPerSecond.Length; i++) destination[i] = NormalizeVelocity(metersPerSecond[i]);
    }

    /// <summary>Turns normalised velocities (e.g. a model's prediction) back into m/s.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public void DenormalizeVelocity(ReadOnlySpan<float> normalized, Span<float> metersPerSecond)
    {
        CheckLengths(normalized.Length, metersPerSecond.Length);
        for (int i = 0; i < normalized.Length; i++) metersPerSecond[i] = DenormalizeVelocity(normalized[i]);
    }

    private static void CheckLengths(int source, int destination)
    {
        if (source != destination)
            throw new ArgumentException($"destination has {destination} elements but the source has {source}");
    }
}

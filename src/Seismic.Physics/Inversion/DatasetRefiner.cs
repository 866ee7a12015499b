using Seismic.Data.Loading;
using Seismic.Physics.Acquisition;

namespace Seismic.Physics.Inversion;

/// <summary>
/// Refines normalised models of a dataset's samples against their recorded data (<see cref="WaveformRefiner"/>):
/// denormalise to m/s, invert within the dataset's label bounds, normalise back. The per-cell standard deviation, when
/// given, becomes the prior's sigma in m/s. Not thread-safe; the dataset is not owned.
/// </summary>
public sealed class DatasetRefiner : IModelRefiner
{
    private readonly SeismicDataset _dataset;
    private readonly WaveformRefiner _refiner;
    private readonly float[] _velocity, _observed, _start, _std;

    /// <summary>Creates a refiner for <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The split whose recorded data decide; not owned.</param>
    /// <param name="options">How to invert; <see cref="RefinementOptions.MinVelocity"/> and <see cref="RefinementOptions.MaxVelocity"/>
    /// are replaced by the dataset's label bounds. Null for the defaults.</param>
    /// <param name="maxDegreeOfParallelism">Threads (over shots); -1 uses all cores.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public DatasetRefiner(SeismicDataset dataset, RefinementOptions? options = null, int maxDegreeOfParallelism = -1)
    {
        _dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        var info = dataset.Info;
        options = (options ?? new RefinementOptions()) with { MinVelocity = info.LabelMin, MaxVelocity = info.LabelMax };
        _refiner = new WaveformRefiner(options, AcquisitionOptions.Of(info), maxDegreeOfParallelism);
        int cells = info.NGrid * info.NGrid;
        _velocity = new float[cells];
        _start = new float[cells];
        _std = new float[cells];
        _observed = new float[info.Ns * info.Nt * info.Ng];
    }

    /// <inheritdoc />
    public int ModelLength => _start.Length;

    /// <summary>The last sample's refinement (misfit history, evaluations, seconds); null before the first.</summary>
    public RefinementResult? Last { get; private set; }

    /// <inheritdoc />
    public void Refine(int index, ReadOnlySpan<float> normalisedStart, Span<float> refined, ReadOnlySpan<float> normalisedStd)
    {
        _dataset.ReadRawSample(index, _velocity, _observed);
        var norm = _dataset.Normalization;
        norm.DenormalizeVelocity(normalisedStart, _start);
        var std = ReadOnlySpan<float>.Empty;
        if (!normalisedStd.IsEmpty)
        {
            for (int i = 0; i < _std.Length; i++) _std[i] = (float)(normalisedStd[i] * norm.MetersPerSecondPerUnit);
            std = _std;
        }
        Last = _refiner.Refine(_start, _observed, std);
        norm.NormalizeVelocity(Last.Velocity, refined);
    }
}

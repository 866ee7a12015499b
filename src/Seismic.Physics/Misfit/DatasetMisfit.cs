using Seismic.Data.Loading;
using Seismic.Physics.Acquisition;
using Seismic.Physics.Propagation;

namespace Seismic.Physics.Misfit;

/// <summary>
/// The relative L2 data misfit of velocity models against a dataset sample's recorded data: denormalise to m/s,
/// clamp to the dataset's label bounds (the scheme needs positive, stable velocities), forward-model with the
/// acquisition the dataset's config describes (<see cref="AcquisitionOptions.Of"/>) and compare. Keeps the last sample's recorded data, so the K members of one input read it once. Not
/// thread-safe; the dataset is not owned.
/// </summary>
public sealed class DatasetMisfit(SeismicDataset dataset) : IDataMisfit
{
    private readonly DataMisfit _misfit = new(new AcousticPropagator(AcquisitionOptions.Of(dataset.Info)));
    private readonly float[] _velocity = new float[dataset.Info.NGrid * dataset.Info.NGrid];
    private readonly float[] _observed = new float[dataset.Info.Ns * dataset.Info.Nt * dataset.Info.Ng];
    private readonly float[] _model = new float[dataset.Info.NGrid * dataset.Info.NGrid];
    private int _index = -1;

    /// <inheritdoc />
    public int ModelLength => _model.Length;

    /// <inheritdoc />
    public double RelativeL2(int index, ReadOnlySpan<float> normalised)
    {
        if (index != _index)
        {
            dataset.ReadRawSample(index, _velocity, _observed);
            _index = index;
        }
        dataset.Normalization.DenormalizeVelocity(normalised, _model);
        float low = (float)dataset.Info.LabelMin, high = (float)dataset.Info.LabelMax;
        for (int k = 0; k < _model.Length; k++) _model[k] = Math.Clamp(_model[k], low, high);
        return _misfit.Compute(_model, _observed).RelativeL2;
    }
}

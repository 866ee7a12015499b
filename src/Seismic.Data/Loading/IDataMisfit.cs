namespace Seismic.Data.Loading;

/// <summary>
/// How well a velocity model explains the recorded data of one dataset sample. Evaluation (Seismic.Models) asks it
/// optionally; Seismic.Physics implements it by forward modelling (<c>Seismic.Physics.Misfit.DatasetMisfit</c>).
/// </summary>
public interface IDataMisfit
{
    /// <summary>Values of one model: n_grid x n_grid of the dataset.</summary>
    int ModelLength { get; }

    /// <summary>
    /// The relative L2 data misfit <c>||d_pred - d_obs|| / ||d_obs||</c> of a normalised velocity model on the dataset's
    /// native grid (<see cref="ModelLength"/> values, row-major) against the recorded data of sample <paramref name="index"/>.
    /// </summary>
    double RelativeL2(int index, ReadOnlySpan<float> normalisedModel);
}

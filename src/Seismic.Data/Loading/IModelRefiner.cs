namespace Seismic.Data.Loading;

/// <summary>
/// Improves a velocity model of one dataset sample so that it explains that sample's recorded data better. Evaluation and
/// sampling (Seismic.Models) ask it optionally; Seismic.Physics implements it by full-waveform inversion
/// (<c>Seismic.Physics.Inversion.DatasetRefiner</c>).
/// </summary>
public interface IModelRefiner
{
    /// <summary>Values of one model: n_grid x n_grid of the dataset.</summary>
    int ModelLength { get; }

    /// <summary>
    /// Refines <paramref name="normalisedStart"/> (the dataset's native grid, <see cref="ModelLength"/> values, row-major,
    /// normalised) against the recorded data of sample <paramref name="index"/> and writes the result, normalised, to
    /// <paramref name="refined"/>.
    /// </summary>
    /// <param name="index">The dataset sample whose recorded data decide.</param>
    /// <param name="normalisedStart">Where the inversion starts.</param>
    /// <param name="refined">Receives the refined model.</param>
    /// <param name="normalisedStd">Per-cell standard deviation of the start (e.g. an ensemble's), in normalised units: where it is
    /// small the refinement stays near the start. Empty when there is none.</param>
    void Refine(int index, ReadOnlySpan<float> normalisedStart, Span<float> refined, ReadOnlySpan<float> normalisedStd);
}

namespace Seismic.Data.OpenFwi;

/// <summary>
/// One seismic file and its velocity partner. A file holds <see cref="SampleCount"/> samples: OpenFWI's batched
/// files are <c>(N, ns, nt, ng)</c> + <c>(N, 1, n_grid, n_grid)</c>, per-sample files <c>(ns, nt, ng)</c> + <c>(1, n_grid, n_grid)</c>.
/// </summary>
/// <param name="DataPath">Full path of the seismic file (under <c>data/</c>).</param>
/// <param name="ModelPath">Full path of the velocity file (under <c>model/</c>).</param>
/// <param name="SampleCount">Samples in each of the two files.</param>
/// <param name="FirstSample">Index of the pair's first sample within the split.</param>
public sealed record OpenFwiFilePair(string DataPath, string ModelPath, int SampleCount, int FirstSample);

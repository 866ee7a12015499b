namespace Seismic.Physics.Synthesis;

/// <summary>One planned pair of files of a synthesised dataset.</summary>
/// <param name="Split">"train" or "val".</param>
/// <param name="DataPath">The seismic file, (Count, shots, time samples, receivers) float32.</param>
/// <param name="ModelPath">The velocity file, (Count, 1, depth, width) float32, m/s.</param>
/// <param name="FirstSample">Index of the file's first sample within its split.</param>
/// <param name="Count">Samples in the file.</param>
public sealed record SynthesisFile(string Split, string DataPath, string ModelPath, int FirstSample, int Count);

/// <summary>Progress of <see cref="DatasetSynthesizer.Run"/>, reported once per file pair.</summary>
/// <param name="File">The file pair just finished.</param>
/// <param name="FilesDone">File pairs finished so far (written or skipped), over both splits.</param>
/// <param name="FilesTotal">File pairs in the plan.</param>
/// <param name="SamplesDone">Samples finished so far.</param>
/// <param name="SamplesTotal">Samples in the plan.</param>
/// <param name="Skipped">True when the pair already existed complete (resumed run) and was not rewritten.</param>
/// <param name="Elapsed">Time since the run started.</param>
public sealed record SynthesisProgress(SynthesisFile File, int FilesDone, int FilesTotal, long SamplesDone, long SamplesTotal, bool Skipped, TimeSpan Elapsed);

/// <summary>Outcome of <see cref="DatasetSynthesizer.Run"/>.</summary>
/// <param name="FilesWritten">File pairs written by this run.</param>
/// <param name="FilesSkipped">File pairs found complete and kept.</param>
/// <param name="SamplesWritten">Samples forward-modelled by this run.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="ManifestPath">Path of manifest.json.</param>
public sealed record SynthesisResult(int FilesWritten, int FilesSkipped, long SamplesWritten, TimeSpan Elapsed, string ManifestPath);

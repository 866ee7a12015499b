namespace Seismic.Data.OpenFwi;

/// <summary>
/// A sample holds values no model should learn from: non-finite seismic amplitudes, or non-finite or physically
/// absurd velocities. The message names the file, the sample's index in that file and the first bad position.
/// </summary>
public sealed class InvalidSampleException : IOException
{
    /// <summary>Creates the exception.</summary>
    public InvalidSampleException(string filePath, int sampleInFile, string message) : base(message)
    {
        FilePath = filePath;
        SampleInFile = sampleInFile;
    }

    /// <summary>The .npy file holding the sample.</summary>
    public string FilePath { get; }

    /// <summary>The sample's index within <see cref="FilePath"/> (0-based, first axis).</summary>
    public int SampleInFile { get; }
}

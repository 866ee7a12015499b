namespace Seismic.Data.Npy;

/// <summary>A <c>.npy</c> file that cannot be read; the message names the file and the problem.</summary>
public sealed class NpyFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    public NpyFormatException(string filePath, string problem)
        : base($"{filePath}: {problem}") => FilePath = filePath;

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; }
}

namespace Seismic.Data.OpenFwi;

/// <summary>
/// A split folder that does not form a valid OpenFWI layout: no files, a file without partner, a wrong shape or a
/// sample count mismatch. The message names the files and the problem.
/// </summary>
public sealed class OpenFwiLayoutException : IOException
{
    /// <summary>Creates the exception with a message naming the files.</summary>
    public OpenFwiLayoutException(string message) : base(message) { }
}

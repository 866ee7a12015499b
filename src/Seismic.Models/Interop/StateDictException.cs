namespace Seismic.Models;

/// <summary>A state-dict file could not be read, or does not fit the module it is loaded into.</summary>
public sealed class StateDictException : Exception
{
    /// <summary>Creates the exception with a message that names the file and the problem.</summary>
    public StateDictException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public StateDictException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no message (prefer the other constructors).</summary>
    public StateDictException() { }
}

namespace Seismic.Training.Distributed;

/// <summary>The process expects MPI (it runs under <c>mpirun</c>, or MPI was asked for) and libmpi cannot be loaded; the message says what was tried and how to fix it.</summary>
public sealed class DistributedUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public DistributedUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>An MPI call returned an error; the message names the call, the rank and MPI's own error text.</summary>
internal sealed class MpiException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public MpiException(string call, int errorCode, string message) : base(message)
    {
        Call = call;
        ErrorCode = errorCode;
    }

    /// <summary>The MPI function that failed, e.g. <c>MPI_Allreduce</c>.</summary>
    public string Call { get; }

    /// <summary>The error code it returned (implementation-specific; see the message for its text).</summary>
    public int ErrorCode { get; }
}

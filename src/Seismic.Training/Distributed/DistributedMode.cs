namespace Seismic.Training.Distributed;

/// <summary>Which process group <see cref="ProcessGroups.Create(ProcessGroupOptions?, Func{string, string?})"/> builds (<see cref="ProcessGroupOptions.Mode"/>).</summary>
public enum DistributedMode
{
    /// <summary>MPI when the process was started by an MPI launcher (<c>mpirun</c>, <c>mpiexec</c>, <c>srun</c> with PMI), one process otherwise.</summary>
    Auto,

    /// <summary>One process, whatever the environment says.</summary>
    Single,

    /// <summary>MPI, failing with <see cref="DistributedUnavailableException"/> when libmpi cannot be loaded.</summary>
    Mpi,
}

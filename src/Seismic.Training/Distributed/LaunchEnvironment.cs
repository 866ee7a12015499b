using System.Globalization;

namespace Seismic.Training.Distributed;

/// <summary>
/// What the launcher told this process through its environment. Read through a function so that tests can pass a
/// dictionary instead of changing the process environment (which .NET does not even pass on to native code on Linux).
/// </summary>
internal static class LaunchEnvironment
{
    // Set by Open MPI's mpirun (OMPI_*), PMIx launchers (PMIX_RANK), and PMI-1/2 launchers: MPICH's hydra, Intel MPI, Slurm's srun (PMI_*).
    private static readonly string[] MpiMarkers = ["OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"];

    // Rank and size on this node: Open MPI, MPICH's hydra, some PMI launchers, Slurm (rank only).
    private static readonly (string Rank, string? Size)[] LocalPairs =
    [
        ("OMPI_COMM_WORLD_LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE"),
        ("MPI_LOCALRANKID", "MPI_LOCALNRANKS"),
        ("PMI_LOCAL_RANK", "PMI_LOCAL_SIZE"),
        ("SLURM_LOCALID", null),
    ];

    /// <summary>The variable that shows an MPI launcher started this process, or null when none is set.</summary>
    public static string? MpiMarker(Func<string, string?> environment) =>
        MpiMarkers.FirstOrDefault(name => !string.IsNullOrEmpty(environment(name)));

    // The job's size as the launcher states it: Open MPI's mpirun, and PMI-1/2 launchers (MPICH's hydra, Intel MPI, srun --mpi=pmi2).
    private static readonly string[] WorldSizeNames = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE"];

    /// <summary>The number of processes the launcher started, or null when it does not say.</summary>
    public static int? WorldSize(Func<string, string?> environment) =>
        WorldSizeVariable(environment) is { } name && TryInt(environment(name), out int size) && size > 0 ? size : null;

    /// <summary>The variable <see cref="WorldSize"/> reads (<c>OMPI_COMM_WORLD_SIZE=2</c>), or null.</summary>
    public static string? WorldSizeVariable(Func<string, string?> environment) =>
        WorldSizeNames.FirstOrDefault(name => !string.IsNullOrEmpty(environment(name)));

    /// <summary>The launcher's local rank and (when it says) local size, or null when it says nothing usable.</summary>
    public static (int Rank, int? Size)? Local(Func<string, string?> environment)
    {
        foreach (var (rankName, sizeName) in LocalPairs)
        {
            if (!TryInt(environment(rankName), out int rank) || rank < 0) continue;
            int? size = sizeName is not null && TryInt(environment(sizeName), out int s) && s > rank ? s : null;
            return (rank, size);
        }
        return null;
    }

    private static bool TryInt(string? text, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
}

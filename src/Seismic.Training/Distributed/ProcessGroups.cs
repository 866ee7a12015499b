namespace Seismic.Training.Distributed;

/// <summary>Builds the process group a process should use.</summary>
public static class ProcessGroups
{
    /// <summary>
    /// The group for <see cref="ProcessGroupOptions.Mode"/>: <see cref="DistributedMode.Auto"/> gives an <see cref="MpiProcessGroup"/>
    /// when an MPI launcher started the process (see <see cref="IsMpiLaunch"/>) and a <see cref="SingleProcessGroup"/>
    /// otherwise; <see cref="DistributedMode.Mpi"/> always gives MPI (a process started without a launcher is then a
    /// job of one). Dispose the group at the end of the process; run the work in <see cref="ProcessGroupExtensions.RunOrAbort"/>
    /// so that a failure on one rank ends the job instead of hanging it.
    /// </summary>
    /// <param name="options">Mode and collective timeout; null takes the defaults.</param>
    /// <param name="environment">Reads an environment variable; the default reads the process environment.</param>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    /// <exception cref="DistributedUnavailableException">MPI is needed and libmpi cannot be loaded (the message says how to install
    /// it), or the launcher started more processes than MPI sees (a launcher of another MPI implementation).</exception>
    /// <exception cref="MpiException">MPI fails to initialise.</exception>
    public static IProcessGroup Create(ProcessGroupOptions? options = null, Func<string, string?>? environment = null) =>
        Create(options ?? new ProcessGroupOptions(), environment, MpiNative.DefaultLibraryNames);

    /// <summary>Whether an MPI launcher started this process: <c>mpirun</c>/<c>mpiexec</c> (Open MPI, MPICH, Intel MPI) or <c>srun</c> with PMI/PMIx set their rank variables.</summary>
    /// <param name="environment">Reads an environment variable; the default reads the process environment.</param>
    public static bool IsMpiLaunch(Func<string, string?>? environment = null) =>
        LaunchEnvironment.MpiMarker(environment ?? Environment.GetEnvironmentVariable) is not null;

    /// <summary><see cref="Create(ProcessGroupOptions?, Func{string, string?})"/> with the MPI libraries to try (tests pass names that do not exist).</summary>
    internal static IProcessGroup Create(ProcessGroupOptions options, Func<string, string?>? environment, IReadOnlyList<string> mpiLibraryNames)
    {
        options.Validate();
        var mode = options.Mode;
        environment ??= Environment.GetEnvironmentVariable;
        bool useMpi = mode switch
        {
            DistributedMode.Single => false,
            DistributedMode.Mpi => true,
            DistributedMode.Auto => IsMpiLaunch(environment),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "expected Auto, Single or Mpi"),
        };
        if (!useMpi) return SingleProcessGroup.Instance;
        try
        {
            return MpiProcessGroup.Create(environment, mpiLibraryNames, options.CollectiveTimeout);
        }
        catch (DistributedUnavailableException e) when (mode == DistributedMode.Auto)
        {
            var marker = LaunchEnvironment.MpiMarker(environment);
            throw new DistributedUnavailableException($"This process was started by an MPI launcher ({marker} is set), but: {e.Message}", e);
        }
    }
}

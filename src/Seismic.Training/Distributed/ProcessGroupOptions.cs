namespace Seismic.Training.Distributed;

/// <summary>How <see cref="ProcessGroups.Create(ProcessGroupOptions?, Func{string, string?})"/> builds a process group. Immutable: variations with <c>with</c>.</summary>
public sealed record ProcessGroupOptions
{
    /// <summary>The default <see cref="CollectiveTimeout"/>: 30 minutes, as PyTorch DDP's.</summary>
    public static readonly TimeSpan DefaultCollectiveTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Which group to build. The default value is <see cref="DistributedMode.Auto"/>.</summary>
    public DistributedMode Mode { get; init; } = DistributedMode.Auto;

    /// <summary>
    /// The longest an MPI collective may wait for the other ranks. Past it, this rank writes one line naming the collective
    /// and aborts the whole job (<see cref="IProcessGroup.Abort"/>, exit code <see cref="MpiProcessGroup.TimeoutExitCode"/>):
    /// a rank that died without a word or hangs ends the job instead of holding every node forever. It covers every
    /// collective, also the wait while rank 0 builds a dataset cache (build large caches beforehand with <c>prepare</c>, or
    /// raise this). <see cref="Timeout.InfiniteTimeSpan"/> turns the watchdog off. The default value is 30 minutes.
    /// </summary>
    public TimeSpan CollectiveTimeout { get; init; } = DefaultCollectiveTimeout;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        Check.That(Enum.IsDefined(Mode), nameof(Mode), $"{Mode} is not a defined value (Auto, Single or Mpi)");
        Check.That(CollectiveTimeout == Timeout.InfiniteTimeSpan || CollectiveTimeout > TimeSpan.Zero, nameof(CollectiveTimeout),
            $"must be positive or Timeout.InfiniteTimeSpan, got {CollectiveTimeout}");
    }
}

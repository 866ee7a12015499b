namespace Seismic.Training;

/// <summary>A progress report after an optimiser iteration.</summary>
/// <param name="Iteration">Iterations completed so far (1-based count).</param>
/// <param name="Total">Iterations the run will do.</param>
/// <param name="Loss">Mean loss over the iteration's microbatches.</param>
/// <param name="LearningRate">Learning rate used by the iteration.</param>
/// <param name="Elapsed">Wall-clock time since the run started.</param>
public readonly record struct TrainingProgress(int Iteration, int Total, double Loss, double LearningRate, TimeSpan Elapsed);

/// <summary>Why a training run ended.</summary>
public enum TrainingStopReason
{
    /// <summary>All iterations were done.</summary>
    Completed,
    /// <summary>The time limit was reached.</summary>
    TimeLimit,
    /// <summary>The cancellation token fired.</summary>
    Cancelled,
}

/// <summary>The outcome of <see cref="Trainer.Run"/>.</summary>
/// <param name="Iterations">Iterations completed in total (including those before a resume).</param>
/// <param name="StopReason">Why the run ended.</param>
/// <param name="Losses">Mean loss of every iteration, from the first.</param>
/// <param name="CheckpointPath">The last checkpoint written.</param>
/// <param name="LastValidation">The last validation, if any ran.</param>
/// <param name="Elapsed">Wall-clock time of this run (not counting earlier runs before a resume).</param>
public sealed record TrainingResult(
    int Iterations,
    TrainingStopReason StopReason,
    IReadOnlyList<double> Losses,
    string? CheckpointPath,
    ValidationResult? LastValidation,
    TimeSpan Elapsed);

/// <summary>The loss became NaN or infinite; training stopped without updating the weights (an existing checkpoint is left as it is).</summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message) : base(message) { }
}

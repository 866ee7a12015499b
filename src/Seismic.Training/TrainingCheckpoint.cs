using Seismic.Models.Checkpoints;
using Seismic.Training.Checkpoints;

namespace Seismic.Training;

/// <summary>
/// What a training checkpoint records about its run (to plot its loss curve, find its dataset, compare runs); the
/// model itself loads with <c>BridgeModel.Load</c>.
/// </summary>
/// <param name="Iteration">Iterations completed.</param>
/// <param name="LearningRate">The learning rate at that point.</param>
/// <param name="Losses">The mean loss of every iteration, in order.</param>
/// <param name="Options">The run's options (older checkpoints' flat options converted).</param>
public sealed record TrainingCheckpoint(int Iteration, double LearningRate, IReadOnlyList<double> Losses, TrainingOptions Options)
{
    /// <summary>Reads the training state of the checkpoint at <paramref name="path"/> (its weights are not loaded).</summary>
    /// <exception cref="InvalidDataException">The file is not a usable checkpoint; the message names it.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static TrainingCheckpoint Read(string path)
    {
        var meta = CheckpointMeta.Read(Checkpoint.Read(path));
        return new TrainingCheckpoint(meta.Iteration, meta.LearningRate, meta.Losses, meta.Options);
    }
}

using System.Collections;
using System.Globalization;
using TorchSharp.PyBridge;

namespace Seismic.Models;

/// <summary>
/// What a training checkpoint of the Python original (<c>latest.pt</c>) holds besides the weights: the AdamW state and
/// the step learning-rate scheduler's state, from which the iterations completed and the current learning rate follow.
/// The optimiser state is kept as a PyTorch-format pickle of <c>optimizer.state_dict()</c>, which TorchSharp's AdamW
/// loads with <c>load_py</c>.
/// </summary>
/// <param name="CompletedIterations">Optimiser iterations behind the checkpoint: the scheduler's <c>last_epoch</c>, else the EMA's <c>num_updates</c> (one of each per iteration in the original); 0 when neither is there.</param>
/// <param name="LearningRate">The learning rate the next iteration uses (the scheduler's <c>_last_lr</c>, else the optimiser's), or null.</param>
/// <param name="Optimizer">The optimiser's state dict as a PyTorch zip-format file in memory, or null when the checkpoint has none.</param>
public sealed record ReferenceTrainingState(int CompletedIterations, double? LearningRate, byte[]? Optimizer)
{
    /// <summary>Reads the training state of a checkpoint of the original.</summary>
    /// <param name="path">The original's <c>latest.pt</c> (a bare state dict gives an empty state).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="StateDictException">The file is not a PyTorch zip-format file, or its <c>optimizer</c> or <c>sched</c> entry is malformed; the message names the file.</exception>
    public static ReferenceTrainingState Read(string path)
    {
        if (StateDictFile.DetectFormat(path) != StateDictFormat.PyTorchZip)
            throw new StateDictException($"'{path}' is not a training checkpoint of the original (a PyTorch zip-format file with net, ema, optimizer and sched).");
        var table = StateDictFile.Unpickle(path);
        try
        {
            var c = CultureInfo.InvariantCulture;
            int? iterations = null;
            double? lr = null;
            if (table["sched"] is IDictionary sched)
            {
                iterations = sched["last_epoch"] is { } e ? Convert.ToInt32(e, c) : null;
                lr = sched["_last_lr"] is IList { Count: > 0 } last ? Convert.ToDouble(last[0], c) : null;
            }
            if (iterations is null && table["ema"] is IDictionary ema && ema["num_updates"] is { } n) iterations = Convert.ToInt32(n, c);
            byte[]? optimizer = null;
            if (table["optimizer"] is IDictionary state)
            {
                if (state["param_groups"] is not IList { Count: > 0 } groups || groups[0] is not IDictionary group)
                    throw new StateDictException($"'{path}': the checkpoint's 'optimizer' entry has no param_groups (PyTorch's optimizer state dict).");
                lr ??= group["lr"] is { } l ? Convert.ToDouble(l, c) : null;
                using var memory = new MemoryStream();
                PyTorchPickler.PickleStateDict(memory, state, leaveOpen: true);
                optimizer = memory.ToArray();
            }
            return new ReferenceTrainingState(iterations ?? 0, lr, optimizer);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw new StateDictException($"'{path}': the checkpoint's optimizer or scheduler state is malformed ({e.Message}).", e);
        }
        finally
        {
            StateDictFile.DisposeTensors(table, keep: []);
        }
    }
}

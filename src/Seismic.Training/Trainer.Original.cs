using Microsoft.Extensions.Logging;
using Seismic.Models;
using Seismic.Models.Checkpoints;
using TorchSharp.PyBridge;

namespace Seismic.Training;

/// <summary>Moving over from the Python original: continuing its runs, and starting from any checkpoint's weights.</summary>
public sealed partial class Trainer
{
    /// <summary>
    /// Restores what the options ask for: <see cref="TrainingOptions.ResumeFrom"/> (a checkpoint of this library, or the
    /// original's <c>latest.pt</c>), else the weights of <see cref="TrainingOptions.InitFrom"/>; nothing otherwise.
    /// </summary>
    internal void Restore()
    {
        if (_options.ResumeFrom is { } resume)
        {
            if (IsPyTorchFile(resume)) LoadOriginalCheckpoint(resume);
            else LoadCheckpoint(resume);
        }
        else if (_options.InitFrom is { } init)
        {
            InitializeFrom(init);
        }
    }

    /// <summary>
    /// Continues a run of the Python original from its training checkpoint (<c>latest.pt</c>): the network from
    /// <c>net</c>, the EMA from <c>ema</c>, the AdamW moments and step counts from <c>optimizer</c>, and from the
    /// scheduler's state the iterations completed and the learning rate. Training goes on with this library's data order
    /// and random draws from that iteration (the original's loader state is not saved, so its order cannot be continued).
    /// </summary>
    /// <param name="path">The original's <c>latest.pt</c>.</param>
    /// <exception cref="StateDictException">The file is unreadable, or its weights or optimiser state do not fit this run's network; the message names the file.</exception>
    public void LoadOriginalCheckpoint(string path)
    {
        var state = ReferenceTrainingState.Read(path);
        Model.LoadPyTorchStateDict(path);
        if (state.Optimizer is { } optimizer)
        {
            try
            {
                using var stream = new MemoryStream(optimizer);
                _optimizer.load_py(stream, leaveOpen: false);
            }
            catch (Exception e) when (e is not OutOfMemoryException and not StateDictException)
            {
                throw new StateDictException($"'{path}': its AdamW state does not fit this run's network ({e.Message}).", e);
            }
        }
        Iteration = state.CompletedIterations;
        _losses.Clear();
        SetLearningRate(state.LearningRate ?? _learningRate);
        ReplayDataOrder();
        _logger.LogInformation("Continued the original's run {Path} after iteration {Iteration} (learning rate {LearningRate})", path, Iteration, _learningRate);
    }

    /// <summary>
    /// Starts from the weights (network and EMA) of any checkpoint, with a fresh optimiser at iteration 0: a checkpoint
    /// of this library (<c>.ckpt</c>), the original's <c>latest.pt</c>, or a bare state dict (<c>.pt</c> or
    /// <c>.safetensors</c>, whose EMA starts as a copy of the weights). For fine-tuning a trained model on other data.
    /// </summary>
    /// <param name="path">The checkpoint.</param>
    /// <exception cref="StateDictException">A PyTorch or safetensors file that does not fit the network; the message lists the mismatches.</exception>
    /// <exception cref="RunConflictException">A checkpoint of this library for another network or image size.</exception>
    public void InitializeFrom(string path)
    {
        if (IsPyTorchFile(path))
        {
            Model.LoadPyTorchStateDict(path);
        }
        else
        {
            var checkpoint = Checkpoint.Read(path);
            var spec = checkpoint.ReadSpec();
            if (spec.Network != Model.Spec.Network || spec.ImageSize != Model.Spec.ImageSize)
                throw new RunConflictException($"{path} holds a {spec.NetworkName} network at image size {spec.ImageSize}; this run builds {Model.Spec.NetworkName} at {Model.Spec.ImageSize} (give the same Model and ImageSize)");
            Model.LoadWeights(checkpoint);
        }
        _logger.LogInformation("Initialised the weights from {Path}; the optimiser starts afresh", path);
    }

    /// <summary>The optimiser (for tests of the restored state).</summary>
    internal TorchSharp.Modules.AdamW Optimizer => _optimizer;

    private static bool IsPyTorchFile(string path) =>
        StateDictFile.DetectFormat(path) is StateDictFormat.PyTorchZip or StateDictFormat.PyTorchLegacy or StateDictFormat.Safetensors;

    /// <summary>Replays the (global) data order up to <see cref="Iteration"/>: the same for any number of processes.</summary>
    private void ReplayDataOrder()
    {
        _order = _trainLoader.IndexBatches().GetEnumerator();
        for (long k = 0; k < (long)Iteration * _microbatches; k++) _order.MoveNext();
    }
}

using System.Text.Json;
using Seismic.Diffusion;
using Seismic.Diffusion.Runtime;
using Seismic.Diffusion.Sampling;
using Seismic.Models;
using Seismic.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Training;

/// <summary>
/// Everything a trained bridge needs to sample: the bridge (schedule and tensor operations), the network, its EMA
/// weights and the device, assembled from <see cref="TrainingOptions"/> or loaded from a checkpoint.
/// </summary>
public sealed class BridgeModel : IDisposable
{
    private BridgeModel(TrainingOptions options, Device device, Bridge bridge, BridgeNetwork network, Ema ema)
    {
        Options = options;
        Device = device;
        Bridge = bridge;
        Network = network;
        Ema = ema;
    }

    /// <summary>The options the model was built from (bridge, model preset, EMA decay).</summary>
    public TrainingOptions Options { get; }

    /// <summary>The device holding the network.</summary>
    public Device Device { get; }

    /// <summary>Schedule and bridge operations (q_sample, labels, posterior).</summary>
    public Bridge Bridge { get; }

    /// <summary>The network with the reference's parameter names.</summary>
    public BridgeNetwork Network { get; }

    /// <summary>The exponential moving average of the network's parameters; sampling uses it.</summary>
    public Ema Ema { get; }

    /// <summary>True when the network takes the seismic condition.</summary>
    public bool IsConditional => Network.IsConditional;

    /// <summary>Builds a freshly initialised model (seeded by <see cref="TrainingOptions.Seed"/>) on <paramref name="device"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public static BridgeModel Create(TrainingOptions options, Device device)
    {
        ArgumentNullException.ThrowIfNull(options);
        TorchRuntime.EnsureAvailable();
        var bridgeOptions = new BridgeOptions
        {
            Interval = options.Interval,
            BetaMax = options.BetaMax,
            T0 = options.T0,
            T = options.T,
            Parameterization = options.PredX0 ? BridgeParameterization.PredX0 : BridgeParameterization.NoiseLike,
            OtOde = options.OtOde,
        };
        bridgeOptions.Validate();
        var unetOptions = options.Network ?? AdmUNetOptions.Preset(options.Model);

        manual_seed(options.Seed);
        var bridge = new Bridge(bridgeOptions, device);
        var network = new BridgeNetwork(new AdmUNet(unetOptions), bridge.Schedule.NoiseLevels(options.T0, options.T));
        network.to(device);
        var ema = new Ema(network, options.EmaDecay);
        return new BridgeModel(options, device, bridge, network, ema);
    }

    /// <summary>
    /// Loads a model for sampling from a trainer checkpoint (options, network and EMA weights).
    /// </summary>
    /// <param name="path">A checkpoint written by <see cref="Trainer"/>.</param>
    /// <param name="device">Device request (see <see cref="TorchRuntime.ResolveDevice"/>); null picks CUDA when available.</param>
    /// <exception cref="InvalidDataException">The file is not a usable checkpoint; the message names it.</exception>
    public static BridgeModel FromCheckpoint(string path, string? device = null)
    {
        var sections = CheckpointFile.Load(path);
        var meta = CheckpointMeta.Parse(sections.Require("meta", path), path);
        var model = Create(meta.Options, TorchRuntime.ResolveDevice(device));
        model.LoadWeights(sections, path);
        return model;
    }

    /// <summary>
    /// Samples x0 from <paramref name="x1"/> (and the condition) with the EMA weights swapped in, in eval mode
    /// without gradients. The caller owns the result.
    /// </summary>
    public SamplingResult Sample(Tensor x1, Tensor? cond, SamplerOptions sampler, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(x1);
        return WithSamplingWeights(() => new BridgeSampler(Bridge, Network, sampler).Sample(x1, IsConditional ? cond : null, generator));
    }

    /// <summary>
    /// Draws an ensemble of <see cref="EnsembleOptions.Members"/> samples per input (<see cref="EnsembleSampler"/>) with
    /// the EMA weights swapped in, in eval mode without gradients. The caller owns the result.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public EnsembleResult SampleEnsemble(Tensor x1, Tensor? cond, SamplerOptions sampler, EnsembleOptions ensemble, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(x1);
        return WithSamplingWeights(() => new EnsembleSampler(Bridge, Network, sampler, ensemble).Sample(x1, IsConditional ? cond : null, generator));
    }

    private T WithSamplingWeights<T>(Func<T> sample)
    {
        bool wasTraining = Network.training;
        Network.eval();
        try
        {
            using var _ = no_grad();
            using var swap = Ema.Apply();
            return sample();
        }
        finally
        {
            Network.train(wasTraining);
        }
    }

    /// <summary>
    /// Loads weights trained with the Python reference. From a whole training checkpoint (the reference's
    /// <c>latest.pt</c>) the network gets <c>net</c> and the EMA gets torch_ema's shadow and update count, so
    /// <see cref="Sample"/> uses the reference's EMA weights; from a bare state dict (<c>.pt</c>, PyTorch zip format, or
    /// <c>.safetensors</c>) the network gets the weights and the EMA a copy of them. The optimiser state is not read.
    /// </summary>
    /// <exception cref="Seismic.Models.StateDictException">Legacy format, or keys/shapes that do not match (the first few are listed).</exception>
    public void LoadPyTorchStateDict(string path)
    {
        using var checkpoint = ReferenceCheckpoint.Read(path);
        Network.LoadStateDict(checkpoint.Network, $"'{path}'");
        if (checkpoint.EmaShadow.Count > 0) Ema.LoadShadow(checkpoint.EmaShadow, checkpoint.EmaUpdates);
        else Ema.Reset();
    }

    internal void LoadWeights(IReadOnlyDictionary<string, byte[]> sections, string path)
    {
        sections.ReadSection("model", path, r => Network.load(r, strict: true));
        sections.ReadSection("ema", path, r =>
        {
            var state = TensorDictionaryFormat.Read(r);
            try
            {
                Ema.LoadStateDict(state);
            }
            finally
            {
                foreach (var t in state.Values) t.Dispose();
            }
        });
    }

    internal void WriteModel(BinaryWriter w) => Network.save(w);

    internal void WriteEma(BinaryWriter w)
    {
        var state = Ema.StateDict();
        try
        {
            TensorDictionaryFormat.Write(w, state);
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Ema.Dispose();
        Network.Dispose();
        Bridge.Dispose();
    }
}

/// <summary>The <c>meta</c> section of a checkpoint.</summary>
internal sealed class CheckpointMeta
{
    public int Iteration { get; set; }
    public double LearningRate { get; set; }
    public TrainingOptions Options { get; set; } = new();
    public List<double> Losses { get; set; } = [];
    /// <summary>How randomness is derived, so a resumed run redraws exactly what the uninterrupted one would.</summary>
    public string RngScheme { get; set; } = Trainer.RngScheme;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static CheckpointMeta Parse(byte[] bytes, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<CheckpointMeta>(bytes, Json)
                   ?? throw new InvalidDataException($"{path}: checkpoint metadata is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: checkpoint metadata is not valid JSON ({e.Message})");
        }
    }
}

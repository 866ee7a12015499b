using Seismic.Data;
using Seismic.Diffusion;
using Seismic.Diffusion.Runtime;
using Seismic.Diffusion.Sampling;
using Seismic.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Models;

/// <summary>
/// A trained (or freshly initialised) bridge, ready to sample: the <see cref="ModelSpec"/>, the bridge (schedule and
/// tensor operations), the network, its EMA weights and the device. Load one with <see cref="Load(string, Device)"/> (a checkpoint of
/// this library) or <see cref="Create"/> + <see cref="LoadPyTorchStateDict"/> (the reference's weights). Needs only
/// Seismic.Data, Seismic.Diffusion and Seismic.Models. The caller owns it and disposes it.
/// </summary>
public sealed class BridgeModel : IDisposable
{
    private BridgeModel(ModelSpec spec, Device device, Bridge bridge, BridgeNetwork network, Ema ema)
    {
        Spec = spec;
        Device = device;
        Bridge = bridge;
        Network = network;
        Ema = ema;
    }

    /// <summary>What the model is: network, bridge, corruption, dataset normalisation and image size.</summary>
    public ModelSpec Spec { get; }

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

    /// <summary>
    /// The number format the network computes in when sampling (and training, under a trainer): float32 unless
    /// <see cref="UsePrecision"/> chose another. The weights themselves stay float32.
    /// </summary>
    public PrecisionChoice ComputePrecision { get; private set; } = new(Precision.Fp32, "float32 is the default");

    /// <summary>
    /// The low-precision working copy of <see cref="Network"/> that sampling (and a trainer) use when
    /// <see cref="ComputePrecision"/> is not float32; null in float32. Owned by the model.
    /// </summary>
    public LowPrecisionCopy? LowPrecision { get; private set; }

    /// <summary>
    /// Chooses the number format of the network's computations (docs/training.md, "Precision"); <see cref="Precision.Auto"/>
    /// is resolved for <see cref="Device"/> here. Returns the choice and its reason.
    /// </summary>
    /// <exception cref="ArgumentException">float16 on a device other than CUDA.</exception>
    public PrecisionChoice UsePrecision(Precision precision)
    {
        var choice = PrecisionChoice.Resolve(precision, Device);
        if (choice.Precision != ComputePrecision.Precision)
        {
            LowPrecision?.Dispose();
            LowPrecision = choice.Precision == Precision.Fp32 ? null : new LowPrecisionCopy(Network, choice);
        }
        ComputePrecision = choice;
        return choice;
    }

    /// <summary>
    /// Builds a freshly initialised model on <paramref name="device"/>. The weights are drawn from
    /// <paramref name="initSeed"/> (same seed, same weights); torch's global generator is left as it was.
    /// </summary>
    /// <param name="spec">What to build; validated here.</param>
    /// <param name="device">The device (see <see cref="TorchRuntime.ResolveDevice"/>).</param>
    /// <param name="initSeed">Seed of the weight initialisation.</param>
    /// <param name="emaDecay">Decay of the EMA (it matters only for training). The default value is 0.99, the reference's.</param>
    /// <exception cref="ArgumentException">A value of the spec is invalid (the message names it).</exception>
    public static BridgeModel Create(ModelSpec spec, Device device, Seed initSeed, double emaDecay = 0.99)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        return CreateValidated(spec, device, initSeed, emaDecay);
    }

    /// <summary><see cref="Create"/> for a spec validated by the caller (the trainer validates all its options once).</summary>
    internal static BridgeModel CreateValidated(ModelSpec spec, Device device, Seed initSeed, double emaDecay)
    {
        ArgumentNullException.ThrowIfNull(device);
        TorchRuntime.EnsureAvailable();
        var bridge = new Bridge(spec.Bridge, device);
        BridgeNetwork network;
        // Module constructors draw from torch's global generator: seed it for the build, then put its state back.
        var global = Generator.Default;
        using (var saved = global.get_state())
        {
            global.manual_seed(initSeed.ToInt64());
            try
            {
                network = new BridgeNetwork(new AdmUNet(spec.Network), bridge.Schedule.NoiseLevels(spec.Bridge.T0, spec.Bridge.T));
            }
            finally
            {
                global.set_state(saved);
            }
        }
        network.to(device);
        var ema = new Ema(network, emaDecay);
        return new BridgeModel(spec, device, bridge, network, ema);
    }

    /// <summary>
    /// Loads a model for sampling from a checkpoint (written by Seismic.Training's trainer or <see cref="Save"/>): its
    /// spec, network and EMA weights. Checkpoints written before specs were stored (format 1 and early format 2) load too.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="device">The device (see <see cref="TorchRuntime.ResolveDevice"/>).</param>
    /// <exception cref="InvalidDataException">The file is not a usable checkpoint; the message names it and the section.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static BridgeModel Load(string path, Device device) => Load(Checkpoint.Read(path), device);

    /// <summary>Builds the model a checkpoint already read describes and loads its network and EMA weights.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="device">The device (see <see cref="TorchRuntime.ResolveDevice"/>).</param>
    /// <exception cref="InvalidDataException">A section is missing or unreadable; the message names the file and the section.</exception>
    public static BridgeModel Load(Checkpoint checkpoint, Device device)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var model = CreateValidated(checkpoint.ReadSpec(), device, Seed.Zero, emaDecay: 0.99); // the EMA is only read, never updated
        try
        {
            model.LoadWeights(checkpoint);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes this model alone (spec, network and EMA weights, no training state) as a checkpoint that
    /// <see cref="Load(string, Device)"/> and the CLI's sample and evaluate read: for instance the original's weights,
    /// once loaded with <see cref="LoadPyTorchStateDict"/>. Atomic: a crash mid-save leaves the previous file intact.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    public void Save(string path) => WriteTo(new CheckpointWriter()).Save(path);

    /// <summary>
    /// Adds this layer's sections to <paramref name="writer"/>: <see cref="Checkpoint.SpecSection"/>,
    /// <see cref="Checkpoint.ModelSection"/> and <see cref="Checkpoint.EmaSection"/> (a trainer adds its own after them).
    /// </summary>
    /// <param name="writer">The checkpoint being composed.</param>
    /// <returns><paramref name="writer"/>.</returns>
    public CheckpointWriter WriteTo(CheckpointWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.AddJson(Checkpoint.SpecSection, Spec);
        writer.Add(Checkpoint.ModelSection, w => Network.save(w));
        var ema = Ema.StateDict();
        try
        {
            return writer.Add(Checkpoint.EmaSection, w => TensorDictionaryFormat.Write(w, ema));
        }
        finally
        {
            foreach (var t in ema.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Replaces the network and EMA weights with a checkpoint's (whose spec must describe the same network: the
    /// caller checks, see <see cref="Checkpoint.ReadSpec"/>).
    /// </summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <exception cref="InvalidDataException">A section is missing or does not fit the network; the message names the file and the section.</exception>
    public void LoadWeights(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.ReadSection(Checkpoint.ModelSection, r => Network.load(r, strict: true));
        checkpoint.ReadSection(Checkpoint.EmaSection, r =>
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

    /// <summary>
    /// Samples x0 from <paramref name="x1"/> (and the condition) with the EMA weights swapped in, in eval mode
    /// without gradients; x0_hat is clamped as <see cref="SamplerOptions.ClipDenoise"/> says, or, when it says nothing
    /// (null), as the model's <see cref="ModelSpec.ClipDenoise"/> does. The caller owns the result.
    /// </summary>
    public SamplingResult Sample(Tensor x1, Tensor? cond, SamplerOptions sampler, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(sampler);
        return WithSamplingWeights(network => new BridgeSampler(Bridge, network, WithModelClip(sampler)).Sample(x1, IsConditional ? cond : null, generator));
    }

    /// <summary>
    /// Predicts velocity models from raw OpenFWI arrays, the way the CLI's <c>sample --x1 --seismic</c> does: smoothed
    /// starting models in m/s, (N, 1, n_grid, n_grid) back to back, and their recorded data, (N, ns, nt, ng), are checked
    /// (finite, plausible), normalised and resized exactly like the training data, sampled in batches with the EMA
    /// weights, and returned in m/s at the model's image size, (N, 1, S, S) back to back.
    /// </summary>
    /// <param name="smoothedVelocity">x1 in m/s on OpenFWI's grid, N models.</param>
    /// <param name="seismic">The recorded data of the same N models.</param>
    /// <param name="options">Sampler, batch size, seed, dataset; null for the defaults.</param>
    /// <exception cref="ArgumentException">The lengths do not hold the same whole number of samples, or an option is out of range.</exception>
    /// <exception cref="Seismic.Data.OpenFwi.InvalidSampleException">A value is not finite or outside the plausible range; the message names the sample.</exception>
    public float[] Predict(ReadOnlySpan<float> smoothedVelocity, ReadOnlySpan<float> seismic, PredictionOptions? options = null)
    {
        options ??= new PredictionOptions();
        options.Validate(Bridge.Interval);
        var transform = new Seismic.Data.Transforms.SampleTransform(options.Dataset ?? Spec.Dataset, Spec.ImageSize);
        int rawV = transform.RawVelocityLength, rawS = transform.RawSeismicLength;
        int n = smoothedVelocity.Length / rawV;
        if (n == 0 || smoothedVelocity.Length != n * rawV)
            throw new ArgumentException($"smoothedVelocity holds {smoothedVelocity.Length} values, not a whole number (>= 1) of {transform.Info.NGrid} x {transform.Info.NGrid} models", nameof(smoothedVelocity));
        if (seismic.Length != (long)n * rawS)
            throw new ArgumentException($"seismic holds {seismic.Length} values, not {n} x ({transform.Info.Ns}, {transform.Info.Nt}, {transform.Info.Ng}) records to match the {n} models", nameof(seismic));

        int s = Spec.ImageSize, vl = transform.VelocityLength, sl = transform.SeismicLength;
        var x1 = new float[n * vl];
        var cond = new float[n * sl];
        for (int i = 0; i < n; i++)
        {
            Seismic.Data.OpenFwi.SampleValidation.CheckVelocity(smoothedVelocity.Slice(i * rawV, rawV), transform.Info, "smoothedVelocity", i);
            Seismic.Data.OpenFwi.SampleValidation.CheckSeismic(seismic.Slice(i * rawS, rawS), transform.Info, "seismic", i);
            transform.TransformVelocity(smoothedVelocity.Slice(i * rawV, rawV), x1.AsSpan(i * vl, vl));
            transform.TransformSeismic(seismic.Slice(i * rawS, rawS), cond.AsSpan(i * sl, sl));
        }

        var sampler = options.Sampler with { LogCount = 0 };
        var prediction = new float[n * vl];
        using var generator = new Generator(options.Seed.Value, CPU);
        for (int start = 0; start < n; start += options.BatchSize)
        {
            using var scope = NewDisposeScope();
            int b = Math.Min(options.BatchSize, n - start);
            var x = tensor(x1.AsSpan(start * vl, b * vl).ToArray(), [b, 1, s, s]).to(Device);
            var c = tensor(cond.AsSpan(start * sl, b * sl).ToArray(), [b, transform.Info.Ns, s, s]).to(Device);
            using var result = Sample(x, c, sampler, generator);
            result.X0.cpu().data<float>().CopyTo(prediction, start * vl);
        }
        var metersPerSecond = new float[prediction.Length];
        transform.Normalization.DenormalizeVelocity(prediction, metersPerSecond);
        return metersPerSecond;
    }

    /// <summary>
    /// Draws an ensemble of <see cref="EnsembleOptions.Members"/> samples per input (<see cref="EnsembleSampler"/>) with
    /// the EMA weights swapped in, in eval mode without gradients; clamped as in <see cref="Sample"/>. The caller owns the result.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public EnsembleResult SampleEnsemble(Tensor x1, Tensor? cond, SamplerOptions sampler, EnsembleOptions ensemble, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(sampler);
        return WithSamplingWeights(network => new EnsembleSampler(Bridge, network, WithModelClip(sampler), ensemble).Sample(x1, IsConditional ? cond : null, generator));
    }

    /// <summary>
    /// Draws one sample per member from each member's own start state (<see cref="EnsembleSampler.SampleMembers"/>: x1 is
    /// (B, K, C, H, W)), with the EMA weights swapped in, in eval mode without gradients; clamped as in <see cref="Sample"/>.
    /// The caller owns the result.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range, or x1 has not K members.</exception>
    public EnsembleResult SampleEnsembleMembers(Tensor x1, Tensor? cond, SamplerOptions sampler, EnsembleOptions ensemble, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(sampler);
        return WithSamplingWeights(network => new EnsembleSampler(Bridge, network, WithModelClip(sampler), ensemble).SampleMembers(x1, IsConditional ? cond : null, generator));
    }

    // The caller's choice when it makes one; otherwise the model's (the reference's clip_denoise it was trained with).
    private SamplerOptions WithModelClip(SamplerOptions sampler) =>
        sampler.ClipDenoise is null ? sampler with { ClipDenoise = Spec.ClipDenoise } : sampler;

    // The EMA weights in eval mode without gradients, in the chosen precision (the working copy takes the EMA weights).
    private T WithSamplingWeights<T>(Func<IBridgeNetwork, T> sample)
    {
        bool wasTraining = Network.training;
        Network.eval();
        try
        {
            using var _ = no_grad();
            using var swap = Ema.Apply();
            if (LowPrecision is null) return sample(Network);
            LowPrecision.PullWeights();
            return sample(LowPrecision.Working);
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

    /// <inheritdoc />
    public void Dispose()
    {
        LowPrecision?.Dispose();
        Ema.Dispose();
        Network.Dispose();
        Bridge.Dispose();
    }
}

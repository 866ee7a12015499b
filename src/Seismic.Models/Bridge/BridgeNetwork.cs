using TorchSharp;
using Seismic.Diffusion.Sampling;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seismic.Models;

/// <summary>
/// The I2SB network: an <see cref="AdmUNet"/> that sees <c>cat[x_n, cond]</c> on channels and the continuous time
/// input <c>noise_levels[n]</c> for the integer bridge step n (docs/diffusion.md, "Schedule"). A null condition is the zero tensor
/// (classifier-free guidance's unconditional branch). With no condition channels (an unconditional bridge) the
/// input is x_n alone. Its state-dict keys carry the reference wrapper's prefix (<c>diffusion_model.</c>), so an
/// I2SB <c>net.state_dict()</c> loads directly.
/// </summary>
public sealed class BridgeNetwork : Module, IBridgeNetwork
{
    [ComponentName(Name = "diffusion_model")]
    private readonly AdmUNet unet;

    // Not a registered buffer: the reference keeps the table outside its state dict.
    private readonly float[] noiseLevels;
    private Tensor? levelsOnDevice;

    /// <summary>Wraps <paramref name="unet"/>.</summary>
    /// <param name="unet">The network; its input channels = <paramref name="stateChannels"/> + condition channels.</param>
    /// <param name="noiseLevels">The float32 time input per step (<c>linspace(t0, T, N) * N</c>; length = interval N).</param>
    /// <param name="stateChannels">Channels of x_n. The default value is the network's output channels.</param>
    /// <exception cref="ArgumentException">Empty <paramref name="noiseLevels"/>, or channel counts that do not add up.</exception>
    public BridgeNetwork(AdmUNet unet, float[] noiseLevels, int? stateChannels = null) : base(nameof(BridgeNetwork))
    {
        ArgumentNullException.ThrowIfNull(unet);
        ArgumentNullException.ThrowIfNull(noiseLevels);
        if (noiseLevels.Length == 0) throw new ArgumentException("The noise-level table is empty.", nameof(noiseLevels));
        StateChannels = stateChannels ?? unet.Options.OutChannels;
        ConditionChannels = unet.Options.InChannels - StateChannels;
        if (StateChannels < 1 || ConditionChannels < 0)
            throw new ArgumentException(
                $"x_n has {StateChannels} channel(s) but the U-Net takes {unet.Options.InChannels} input channels.", nameof(stateChannels));
        this.unet = unet;
        this.noiseLevels = (float[])noiseLevels.Clone();
        RegisterComponents();
    }

    /// <summary>The wrapped U-Net.</summary>
    public AdmUNet UNet => unet;

    /// <summary>Channels of the bridge state x_n.</summary>
    public int StateChannels { get; }

    /// <summary>Channels of the condition (0 for an unconditional bridge).</summary>
    public int ConditionChannels { get; }

    /// <summary>True when the network takes a condition.</summary>
    public bool IsConditional => ConditionChannels > 0;

    /// <summary>The number of bridge steps N (length of the noise-level table).</summary>
    public int Interval => noiseLevels.Length;

    /// <summary>The time input of step n (<c>noise_levels[n]</c>).</summary>
    public float NoiseLevel(int n) => noiseLevels[n];

    /// <inheritdoc />
    /// <exception cref="ArgumentException">Shapes do not fit, steps are out of [0, N), or a condition was given to an unconditional network.</exception>
    public Tensor Predict(Tensor xn, Tensor steps, Tensor? cond)
    {
        ArgumentNullException.ThrowIfNull(xn);
        ArgumentNullException.ThrowIfNull(steps);
        if (xn.dim() != 4 || xn.shape[1] != StateChannels)
            throw new ArgumentException($"x_n must be (B, {StateChannels}, H, W); got ({string.Join(", ", xn.shape)}).", nameof(xn));
        if (!IsConditional && cond is not null)
            throw new ArgumentException("This bridge network is unconditional (no condition channels); pass cond = null.", nameof(cond));

        using var scope = NewDisposeScope();
        var times = TimeInput(steps, xn.device, xn.shape[0]);
        var input = xn;
        if (IsConditional)
        {
            if (cond is null)
            {
                input = cat([xn, zeros(xn.shape[0], ConditionChannels, xn.shape[2], xn.shape[3], dtype: xn.dtype, device: xn.device)], dim: 1);
            }
            else
            {
                if (cond.dim() != 4 || cond.shape[0] != xn.shape[0] || cond.shape[1] != ConditionChannels || cond.shape[2] != xn.shape[2] || cond.shape[3] != xn.shape[3])
                    throw new ArgumentException(
                        $"cond must be ({xn.shape[0]}, {ConditionChannels}, {xn.shape[2]}, {xn.shape[3]}); got ({string.Join(", ", cond.shape)}).", nameof(cond));
                input = cat([xn, cond.to_type(xn.dtype)], dim: 1);
            }
        }
        return unet.call(input, times).MoveToOuterDisposeScope();
    }

    /// <summary>Maps integer steps (B) to the float32 time input <c>noise_levels[n]</c> on <paramref name="device"/>.</summary>
    /// <exception cref="ArgumentException">A step lies outside [0, N) or the batch sizes differ.</exception>
    public Tensor TimeInput(Tensor steps, Device device, long batch)
    {
        if (steps.dim() != 1 || steps.shape[0] != batch)
            throw new ArgumentException($"steps must have shape ({batch}); got ({string.Join(", ", steps.shape)}).", nameof(steps));
        using var scope = NewDisposeScope();
        var idx = steps.to_type(ScalarType.Int64);
        long min = idx.min().item<long>(), max = idx.max().item<long>();
        if (min < 0 || max >= noiseLevels.Length)
            throw new ArgumentException($"steps must lie in [0, {noiseLevels.Length}); got [{min}, {max}].", nameof(steps));
        return Levels(device).index_select(0, idx.to(device)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A network of the same shape whose parameters are <paramref name="dtype"/> (see <see cref="LowPrecisionCopy"/>), on
    /// the same device; its weights are not this network's yet. Torch's global random state is left as it was.
    /// </summary>
    internal BridgeNetwork CopyIn(ScalarType dtype)
    {
        var device = parameters().First().device;
        var state = TorchSharp.torch.random.get_rng_state();
        try
        {
            var copy = new BridgeNetwork(new AdmUNet(unet.Options), noiseLevels, StateChannels);
            copy.to(dtype).to(device);
            return copy;
        }
        finally
        {
            TorchSharp.torch.random.set_rng_state(state);
            state.Dispose();
        }
    }

    /// <summary>Loads a reference state dict (the I2SB wrapper's <c>diffusion_model.*</c> keys or bare U-Net keys).</summary>
    /// <exception cref="StateDictException">See <see cref="AdmUNet.LoadPyTorchStateDict"/>.</exception>
    public void LoadPyTorchStateDict(string path) => unet.LoadPyTorchStateDict(path);

    /// <summary>Loads a state dict already in memory (reference names; see <see cref="StateDictFile.LoadInto(Module, IReadOnlyDictionary{string, Tensor}, string)"/>).</summary>
    /// <exception cref="StateDictException">Missing or unexpected keys or shape mismatches.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, string source) => StateDictFile.LoadInto(unet, stateDict, source);

    private Tensor Levels(Device device)
    {
        if (levelsOnDevice is null || levelsOnDevice.device_type != device.type || levelsOnDevice.device_index != device.index)
        {
            levelsOnDevice?.Dispose();
            levelsOnDevice = tensor(noiseLevels, dtype: ScalarType.Float32, device: device);
            levelsOnDevice.DetachFromDisposeScope();
        }
        return levelsOnDevice;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) levelsOnDevice?.Dispose();
        base.Dispose(disposing);
    }
}

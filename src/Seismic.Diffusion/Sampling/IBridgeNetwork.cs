using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Sampling;

/// <summary>
/// The network a bridge sampler or trainer calls. Implementations map the integer bridge step to the network's
/// continuous time input themselves (<see cref="Bridge.TimeInput"/> or <see cref="BridgeSchedule.NoiseLevels"/>:
/// the network never sees the integer step) and build the network input <c>cat[x_n, cond]</c>, with zeros for a
/// null condition.
/// </summary>
/// <remarks>
/// <see cref="BridgeSampler"/> calls <see cref="Predict"/> inside a per-step dispose scope under <c>no_grad</c>: return
/// a new tensor (it is freed after the step) and do not keep references to the inputs. Put the module in eval mode and
/// swap in EMA weights before sampling.
/// </remarks>
public interface IBridgeNetwork
{
    /// <summary>Predicts the raw network output for <paramref name="xn"/> at steps <paramref name="steps"/>.</summary>
    /// <param name="xn">The bridge state x_n, shape (B, C, H, W), normalised space.</param>
    /// <param name="steps">Integer steps n in [0, interval), int64, shape (B).</param>
    /// <param name="cond">The condition (B, Cc, H, W), or null for the null condition (zeros).</param>
    /// <returns>The network output, shape (B, C, H, W): a noise-like quantity, or x0 itself with pred-x0.</returns>
    Tensor Predict(Tensor xn, Tensor steps, Tensor? cond);
}

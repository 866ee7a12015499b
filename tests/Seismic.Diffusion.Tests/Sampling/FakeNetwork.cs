using Seismic.Diffusion.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Diffusion.Tests.Sampling;

/// <summary>
/// A tiny deterministic stand-in for the U-Net: <c>out = 0.3 x + 0.1 n / 1000 + 0.5 mean_c(cond)</c>, counting calls.
/// </summary>
internal sealed class FakeNetwork : IBridgeNetwork
{
    public int Calls { get; private set; }
    public int ConditionalCalls { get; private set; }
    public List<long> SeenSteps { get; } = [];
    public List<long> SeenBatchSizes { get; } = [];

    public Tensor Predict(Tensor xn, Tensor steps, Tensor? cond)
    {
        Calls++;
        SeenSteps.Add(steps[0].item<long>());
        SeenBatchSizes.Add(xn.shape[0]);
        var t = steps.to(ScalarType.Float32).view(-1, 1, 1, 1) / 1000.0;
        var output = xn * 0.3 + t * 0.1;
        if (cond is not null)
        {
            ConditionalCalls++;
            output = output + cond.mean([1], keepdim: true) * 0.5;
        }
        return output;
    }
}

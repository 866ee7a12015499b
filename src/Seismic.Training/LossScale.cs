namespace Seismic.Training;

/// <summary>
/// The dynamic loss scale of float16 training (PyTorch's GradScaler rules): the loss is multiplied by <see cref="Scale"/>
/// before the backward pass so that small gradients do not underflow float16, and the gradients are divided by it
/// again in float32. An overflow (a non-finite gradient) halves the scale and skips the update; every
/// <see cref="GrowthInterval"/> updates in a row without one double it.
/// </summary>
internal sealed class LossScale
{
    /// <summary>Updates without an overflow after which the scale doubles.</summary>
    public const int GrowthInterval = 2000;

    private int _goodSteps;

    /// <summary>The current scale; starts at 2^16.</summary>
    public double Scale { get; private set; } = 65536;

    /// <summary>Records whether this iteration's gradients were finite; returns whether the update may be applied.</summary>
    public bool Update(bool gradientsFinite)
    {
        if (!gradientsFinite)
        {
            Scale = Math.Max(1, Scale / 2);
            _goodSteps = 0;
            return false;
        }
        if (++_goodSteps == GrowthInterval)
        {
            Scale *= 2;
            _goodSteps = 0;
        }
        return true;
    }
}

namespace Seismic.Diffusion.Tests;

/// <summary>Tests that touch torch global state (the global generator, live-tensor counts) run one at a time.</summary>
[CollectionDefinition("torch", DisableParallelization = true)]
public sealed class TorchCollection
{
}

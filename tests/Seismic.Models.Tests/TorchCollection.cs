namespace Seismic.Models.Tests;

/// <summary>Tests that touch torch's global state (seeds, default dtype) run one at a time.</summary>
[CollectionDefinition("torch", DisableParallelization = true)]
public sealed class TorchCollection;

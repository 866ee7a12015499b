namespace Seismic.Training.Tests;

/// <summary>Tests that touch libtorch's global state (seeds, threads) run one after another.</summary>
[CollectionDefinition("torch", DisableParallelization = true)]
public sealed class TorchCollection;

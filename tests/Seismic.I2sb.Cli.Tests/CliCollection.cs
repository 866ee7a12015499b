namespace Seismic.I2sb.Cli.Tests;

/// <summary>
/// Tests that invoke verbs in-process redirect the process-wide Console and touch torch's global state,
/// so they run one at a time.
/// </summary>
[CollectionDefinition("torch", DisableParallelization = true)]
public sealed class TorchCollection;

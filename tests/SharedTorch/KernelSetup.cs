using System.Runtime.CompilerServices;
using Seismic.Diffusion.Runtime;

namespace Seismic.Tests;

/// <summary>Test processes set libtorch's kernel switches the way the CLI does (the libraries never set them).</summary>
internal static class KernelSetup
{
    [ModuleInitializer]
    internal static void Configure()
    {
        try
        {
            TorchRuntime.ConfigureKernels(KernelSettings.FromEnvironment());
        }
        catch (TorchUnavailableException)
        {
            // The tests that need libtorch report this themselves, with the cause.
        }
    }
}

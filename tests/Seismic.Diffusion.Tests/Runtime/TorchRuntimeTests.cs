using Seismic.Diffusion.Runtime;
using TorchSharp;

namespace Seismic.Diffusion.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void Libtorch_loads_in_the_test_host()
    {
        TorchRuntime.EnsureAvailable();
        using var t = torch.ones(3);
        Assert.Equal(3f, t.sum().item<float>());
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("auto")]
    [InlineData(null)]
    public void Cpu_is_chosen_without_cuda(string? request)
    {
        if (torch.cuda.is_available()) return;
        Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice(request).type);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    [InlineData("0")]
    public void Explicit_cuda_without_cuda_is_an_error(string request)
    {
        if (torch.cuda.is_available()) return;
        var e = Assert.Throws<ArgumentException>(() => TorchRuntime.ResolveDevice(request));
        Assert.Contains("CUDA is not available", e.Message);
    }

    [Fact]
    public void Malformed_device_names_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => TorchRuntime.ResolveDevice("tpu"));
        Assert.Contains("tpu", e.Message);
    }

    [Fact]
    public void OneDnn_stays_on_unless_the_process_was_started_with_the_escape_hatch()
    {
        TorchRuntime.EnsureAvailable();
        if (!OneDnnGuard.Available) return; // not x86-64 Linux: libtorch's own default applies
        bool escapeHatch = Environment.GetEnvironmentVariable(KernelSettings.OneDnnVariable) == "0";
        Assert.Equal(!escapeHatch, TorchRuntime.OneDnnEnabled);
    }

    [Fact]
    public void OneDnn_switch_is_explicit_and_reads_back()
    {
        TorchRuntime.EnsureAvailable();
        if (!OneDnnGuard.Available) return;
        var before = TorchRuntime.Kernels;
        try
        {
            TorchRuntime.ConfigureKernels(before with { OneDnn = !before.OneDnn });
            Assert.Equal(!before.OneDnn, TorchRuntime.OneDnnEnabled);
            Assert.Equal(before.Nnpack, TorchRuntime.Kernels.Nnpack);
        }
        finally
        {
            TorchRuntime.ConfigureKernels(before);
        }
        Assert.Equal(before, TorchRuntime.Kernels);
    }
}

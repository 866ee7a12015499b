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
    public void OneDnn_is_off_for_gradients_and_on_only_inside_the_inference_scope()
    {
        TorchRuntime.EnsureAvailable();
        if (!TorchRuntime.OneDnnDisabled) return; // not x86-64 Linux, or SEISMIC_I2SB_ONEDNN=1
        Assert.False(OneDnnGuard.IsOneDnnEnabled);
        using (OneDnnGuard.InferenceScope()) Assert.True(OneDnnGuard.IsOneDnnEnabled);
        Assert.False(OneDnnGuard.IsOneDnnEnabled);
    }

    [Fact]
    public void OneDnn_zero_keeps_it_off_for_inference_too()
    {
        TorchRuntime.EnsureAvailable();
        if (!TorchRuntime.OneDnnDisabled) return; // not x86-64 Linux, or SEISMIC_I2SB_ONEDNN=1
        var before = Environment.GetEnvironmentVariable(OneDnnGuard.OptInVariable);
        try
        {
            Environment.SetEnvironmentVariable(OneDnnGuard.OptInVariable, "0");
            using (TorchRuntime.InferenceKernels()) Assert.False(OneDnnGuard.IsOneDnnEnabled);
        }
        finally
        {
            Environment.SetEnvironmentVariable(OneDnnGuard.OptInVariable, before);
        }
        Assert.False(OneDnnGuard.IsOneDnnEnabled);
    }
}

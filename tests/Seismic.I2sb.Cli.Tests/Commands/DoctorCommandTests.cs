using System.Diagnostics;

namespace Seismic.I2sb.Cli.Tests.Commands;

/// <summary>
/// `doctor` runs in its own process here, as users run it: it starts a child process for oneDNN's verbose log and
/// reads the process's mapped libraries, neither of which means anything inside the test host.
/// </summary>
[Collection("torch")]
public sealed class DoctorCommandTests
{
    private static (int ExitCode, string Output) RunDoctor(string? oneDnn)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "seismic-i2sb.dll"));
        start.ArgumentList.Add("doctor");
        start.Environment.Remove("SEISMIC_I2SB_ONEDNN");
        if (oneDnn is not null) start.Environment["SEISMIC_I2SB_ONEDNN"] = oneDnn;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    [Fact]
    public void Doctor_reports_the_loaded_libraries_and_a_passing_gradient_check()
    {
        var (code, output) = RunDoctor(null);
        Assert.True(code == 0, output);
        Assert.Contains("everything looks right", output);
        Assert.Matches(@"(?m)^libtorch +2\.10", output);
        if (OperatingSystem.IsLinux())
        {
            Assert.Matches(@"(?m)^libstdc\+\+ +/\S+libstdc\+\+\.so\.6", output);
            Assert.Matches(@"(?m)^LMDB +works", output);
        }
        if (OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Matches(@"(?m)^oneDNN +on; ISA \S+", output);
            Assert.Matches(@"(?m)^gradient check .*block-aligned convolution right", output);
        }
    }

    [Fact]
    public void Doctor_says_when_the_escape_hatch_turned_onednn_off()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64) return;
        var (code, output) = RunDoctor("0");
        Assert.True(code == 0, output);
        Assert.Matches(@"(?m)^oneDNN +off", output);
        Assert.DoesNotContain("gradient check", output);
    }
}

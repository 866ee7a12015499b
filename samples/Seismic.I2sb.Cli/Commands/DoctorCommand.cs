using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using LightningDB;
using Seismic.Diffusion.Runtime;
using Seismic.Models.Diagnostics;
using TorchSharp;

namespace Seismic.I2sb.Cli.Commands;

/// <summary>
/// The `doctor` verb: what a user runs when something is off. Prints the system's native libraries, TorchSharp and
/// libtorch, the CPU and oneDNN's kernels on it, a gradient check of the convolution shapes oneDNN mishandles on some
/// CPUs, and CUDA devices. Exits 1 when something is broken.
/// </summary>
internal static class DoctorCommand
{
    private const string ProbeFlag = "--onednn-probe";

    public static Command Create()
    {
        var probe = new Option<bool>(ProbeFlag) { Hidden = true, Description = "Internal: run one oneDNN convolution (for the parent's ONEDNN_VERBOSE log)." };
        var command = new Command("doctor", "Check this machine: native libraries, libtorch, CPU and oneDNN (with a gradient check), CUDA. Exits 1 when something is broken.");
        command.Options.Add(probe);
        command.SetAction(parse => CliAction.Run(parse, () => parse.GetValue(probe) ? RunProbe() : Diagnose()));
        return command;
    }

    private static int Diagnose()
    {
        bool broken = false;
        void Line(string key, string value) => Console.WriteLine($"{key,-22} {value}");

        Line("system", $"{OsName()}, {RuntimeInformation.OSArchitecture}, .NET {Environment.Version}");
        Line("glibc", OperatingSystem.IsLinux() ? GlibcVersion() : "n/a");
        Line("TorchSharp", typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?");
        try
        {
            TorchRuntime.ConfigureKernels(KernelSettings.FromEnvironment()); // as every torch verb does
        }
        catch (TorchUnavailableException e)
        {
            Line("libtorch", "BROKEN: " + e.Message);
            Line("libstdc++", MappedLibrary("libstdc++.so") ?? "not loaded");
            return 1;
        }
        Line("libtorch", $"{torch.__version__}, loaded from {Path.GetDirectoryName(MappedLibrary("libtorch_cpu.so")) ?? "?"}");
        if (OperatingSystem.IsLinux())
        {
            string? libstdcxx = MappedLibrary("libstdc++.so");
            bool newEnough = libstdcxx is not null && Defines(libstdcxx, "GLIBCXX_3.4.32");
            Line("libstdc++", libstdcxx is null ? "not loaded" : $"{libstdcxx} ({(newEnough
                ? "has GLIBCXX_3.4.32: TorchSharp loads as shipped"
                : "lacks GLIBCXX_3.4.32: TorchSharp loads because the build relaxed that unused requirement (build/native-compat)")})");
            Line("LMDB", LmdbStatus(ref broken));
        }

        var cpu = CpuInfo();
        Line("CPU", $"{cpu.GetValueOrDefault("model name", "?")} ({cpu.GetValueOrDefault("vendor_id", "?")}, family {cpu.GetValueOrDefault("cpu family", "?")}, model {cpu.GetValueOrDefault("model", "?")}), {Environment.ProcessorCount} cores, torch threads {torch.get_num_threads()}");
        bool oneDnn = TorchRuntime.OneDnnEnabled;
        Line("oneDNN", oneDnn ? $"on; {OneDnnKernels()}" : "off (SEISMIC_I2SB_ONEDNN=0, or no switch on this platform)");
        if (oneDnn)
        {
            var clock = Stopwatch.StartNew();
            var check = ConvolutionKernelCheck.Run();
            Line("gradient check", $"{clock.ElapsedMilliseconds} ms: plain convolution of the shapes oneDNN mishandles {(check.CpuNeedsFix ? "WRONG" : "right")} with oneDNN (relative error {check.PlainConvolutionError:E1}); " +
                 $"the models' block-aligned convolution {(check.ModelsCorrect ? "right" : "WRONG")} ({check.BlockAlignedError:E1})");
            Line("per-layer fix", check.CpuNeedsFix ? "needed on this CPU, and applied by the models" : "not needed on this CPU (applied anyway: it is cheap and CPU-independent)");
            broken |= !check.ModelsCorrect;
        }
        var auto = Seismic.Diffusion.Runtime.PrecisionChoice.Resolve(Seismic.Diffusion.Runtime.Precision.Auto, torch.CPU);
        Line("precision", $"--precision auto gives {auto.Precision.ToString().ToLowerInvariant()} on the CPU ({auto.Reason}); the default is fp32");
        Line("CUDA", torch.cuda.is_available()
            ? $"{torch.cuda.device_count()} device(s); training and sampling pick cuda:0 unless --gpu says otherwise"
            : "none (CPU backend, or no usable NVIDIA device); build with -p:TorchBackend=cuda for GPUs");
        Console.WriteLine(broken ? "doctor: something is broken (see above)" : "doctor: everything looks right");
        return broken ? 1 : 0;
    }

    // The child run by OneDnnKernels: one convolution forward and backward with oneDNN on.
    private static int RunProbe()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = torch.NewDisposeScope();
        var conv = torch.nn.Conv2d(16, 16, 3, padding: 1);
        var x = torch.randn(2, 16, 16, 16).requires_grad_(true);
        conv.call(x).sum().backward();
        return 0;
    }

    // oneDNN says which ISA and convolution kernels it picked only through ONEDNN_VERBOSE, read once at start-up: run a
    // child with it set.
    private static string OneDnnKernels()
    {
        try
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
            var args = Environment.GetCommandLineArgs();
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(args[0]);
            start.ArgumentList.Add("doctor");
            start.ArgumentList.Add(ProbeFlag);
            start.Environment["ONEDNN_VERBOSE"] = "1";
            using var child = Process.Start(start)!;
            var stderr = child.StandardError.ReadToEndAsync();
            var lines = child.StandardOutput.ReadToEnd().Split('\n');
            child.WaitForExit();
            _ = stderr.Result;
            string isa = lines.Select(l => l.Split(',')).Where(f => f.Any(x => x.StartsWith("isa:", StringComparison.Ordinal)))
                .Select(f => f.First(x => x.StartsWith("isa:", StringComparison.Ordinal))[4..]).FirstOrDefault() ?? "?";
            var kernels = lines.Select(l => l.Split(',')).Where(f => f.Contains("convolution") && f.Contains("exec"))
                .Select(f => f[Array.IndexOf(f, "convolution") + 1]).Distinct().ToArray();
            return $"ISA {isa}; convolution kernels {(kernels.Length == 0 ? "?" : string.Join(", ", kernels))}" +
                   (Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") is { } max ? $" (ONEDNN_MAX_CPU_ISA={max})" : "");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return $"kernels unknown ({e.Message})";
        }
    }

    private static string LmdbStatus(ref bool broken)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"seismic-doctor-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(dir);
            using (var env = new LightningEnvironment(dir)) env.Open();
            string? lib = MappedLibrary("liblmdb.so");
            return $"works ({lib ?? "liblmdb"}{(GlibcVersion().CompareTo("2.38") < 0 ? "; its unused GLIBC_2.38 requirement relaxed by the build" : "")})";
        }
        catch (Exception e) when (e is DllNotFoundException or LightningException or TypeInitializationException)
        {
            broken = true;
            return "BROKEN: " + e.Message.Split('\n')[0];
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static string? MappedLibrary(string name)
    {
        if (!File.Exists("/proc/self/maps")) return null;
        return File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && Path.GetFileName(f[5]).StartsWith(name, StringComparison.Ordinal))
            .Select(f => f[5]).FirstOrDefault();
    }

    private static bool Defines(string library, string version)
    {
        var bytes = File.ReadAllBytes(library);
        return bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(version + "\0")) >= 0;
    }

    private static Dictionary<string, string> CpuInfo()
    {
        var info = new Dictionary<string, string>();
        if (!File.Exists("/proc/cpuinfo")) return info;
        foreach (var line in File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) info.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }
        return info;
    }

    private static string OsName()
    {
        const string file = "/etc/os-release";
        var pretty = File.Exists(file) ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) : null;
        return pretty?["PRETTY_NAME=".Length..].Trim('"') ?? RuntimeInformation.OSDescription;
    }

    private static string GlibcVersion()
    {
        try { return Marshal.PtrToStringAnsi(GnuGetLibcVersion()) ?? "?"; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return "not glibc"; }
    }

    [DllImport("libc", EntryPoint = "gnu_get_libc_version")]
    private static extern IntPtr GnuGetLibcVersion();
}

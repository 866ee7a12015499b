using System.Diagnostics;
using System.Globalization;
using Seismic.Data.Npy;
using Seismic.Diffusion.Runtime;
using Seismic.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Seismic.Benchmarks.Programs;

/// <summary>
/// The TorchSharp half of benchmarks/unet-vs-pytorch.sh: a long-lived worker that a driver (benchmarks/reference/side_by_side.py)
/// alternates with the PyTorch worker. It loads the same weights and inputs, prints one <c>ready</c> line with a checksum of
/// the forward output, then answers <c>forward N</c> / <c>train N</c> with the N per-call times in milliseconds, and
/// stops at <c>quit</c> or end of input.
/// </summary>
/// <remarks>Usage: <c>Seismic.Benchmarks sidebyside-unet PRESET WEIGHTS.pt INPUT_DIR THREADS</c>; INPUT_DIR holds x.npy, t.npy, target.npy.</remarks>
internal static class UNetWorker
{
    public static int Run(string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: sidebyside-unet PRESET WEIGHTS INPUT_DIR THREADS");
            return 2;
        }
        string preset = args[0], weights = args[1], dir = args[2];
        int threads = int.Parse(args[3], CultureInfo.InvariantCulture);
        TorchRuntime.EnsureAvailable();
        torch.set_num_threads(threads);

        using var net = new AdmUNet(ModelPreset.Parse(preset).Network);
        net.LoadPyTorchStateDict(weights);
        using var x = Load(Path.Combine(dir, "x.npy"));
        using var t = Load(Path.Combine(dir, "t.npy"));
        using var target = Load(Path.Combine(dir, "target.npy"));
        using var adam = optim.AdamW(net.parameters(), lr: 5e-5, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0);

        double checksum;
        net.eval();
        using (no_grad())
        using (NewDisposeScope())
            checksum = net.call(x, t).abs().sum().item<float>();
        Console.WriteLine(FormattableString.Invariant(
            $"ready torchsharp threads={torch.get_num_threads()} onednn={(TorchRuntime.OneDnnEnabled ? "on" : "off")} checksum={checksum:R}"));

        string? line;
        while ((line = Console.ReadLine()) is not null)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts[0] == "quit") break;
            int n = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 1;
            var times = new double[n];
            for (int i = 0; i < n; i++)
            {
                var clock = Stopwatch.StartNew();
                if (parts[0] == "forward") Forward(net, x, t);
                else TrainStep(net, adam, x, t, target);
                times[i] = clock.Elapsed.TotalMilliseconds;
            }
            Console.WriteLine(string.Join(' ', times.Select(v => v.ToString("F3", CultureInfo.InvariantCulture))));
        }
        return 0;
    }

    private static void Forward(AdmUNet net, Tensor x, Tensor t)
    {
        net.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        net.call(x, t).sum().item<float>();
    }

    private static void TrainStep(AdmUNet net, optim.Optimizer adam, Tensor x, Tensor t, Tensor target)
    {
        net.train();
        using var scope = NewDisposeScope();
        adam.zero_grad();
        var loss = nn.functional.mse_loss(net.call(x, t), target);
        loss.backward();
        adam.step();
        loss.item<float>();
    }

    private static Tensor Load(string path)
    {
        var data = NpyFile.ReadAllFloat32(path, out var shape);
        return tensor(data, shape.Select(s => (long)s).ToArray());
    }
}

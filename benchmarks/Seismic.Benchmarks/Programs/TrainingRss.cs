using Seismic.Models;
using Seismic.Training;
using TorchSharp;

namespace Seismic.Benchmarks.Programs;

/// <summary>
/// Memory over a training run: prints VmRSS every <c>--every</c> steps of the small net (i2sb_small_cond, S = 32,
/// batch 4) and checks that, after the warm-up, RSS grows by at most 5% over its post-warm-up value. Exit code 1 when not.
/// </summary>
/// <remarks>Usage: <c>training-rss [--steps 1000] [--every 50] [--warmup 100] [--size 32] [--threads 2]</c>.</remarks>
internal static class TrainingRss
{
    public static int Run(string[] args)
    {
        int steps = Measure.Option(args, "--steps", 1000), every = Measure.Option(args, "--every", 50);
        int warmup = Measure.Option(args, "--warmup", 100), size = Measure.Option(args, "--size", 32);
        torch.set_num_threads(Measure.Option(args, "--threads", 2));
        var root = Measure.WriteOpenFwi(train: 32, val: 4);
        try
        {
            var options = new TrainingOptions
            {
                Data = new DataOptions { DatasetDir = root },
                Model = new ModelSpec { Network = ModelPreset.I2sbSmallCond.Network, ImageSize = size },
                Optimization = new OptimizationOptions { BatchSize = 4, Microbatch = 4, NumIterations = 1_000_000 },
                Schedule = new ScheduleOptions { SaveEvery = 1_000_000, ValBatches = 0 },
                ResultDir = Path.Combine(root, "results"),
                Device = "cpu",
            };
            using var trainer = Trainer.CreateBuilder().Options(options with { Schedule = options.Schedule with { ValBatches = 0 } }).Build();
            Console.WriteLine($"training RSS: i2sb_small_cond, S = {size}, batch 4, {steps} steps, {torch.get_num_threads()} threads, load before {Measure.LoadAverage()}");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long baseline = -1, max = 0, min = long.MaxValue;
            for (int i = 1; i <= steps; i++)
            {
                trainer.Step();
                if (i % every != 0 && i != warmup) continue;
                long rss = Measure.StatusKiB("VmRSS");
                Console.WriteLine($"  step {i,5}: VmRSS {rss / 1024.0:F1} MiB (anonymous {Measure.StatusKiB("RssAnon") / 1024.0:F1}, files {Measure.StatusKiB("RssFile") / 1024.0:F1})  " +
                                  $"({clock.Elapsed.TotalSeconds:F0} s, managed heap {GC.GetTotalMemory(false) / 1048576.0:F1} MiB)");
                if (i == warmup) baseline = rss;
                if (i >= warmup) { max = Math.Max(max, rss); min = Math.Min(min, rss); }
            }
            // A leak shows as growth above the post-warm-up value; a fall (the kernel dropping mapped file pages) is not one.
            double growth = (double)(max - baseline) / baseline;
            double fall = (double)(baseline - min) / baseline;
            Console.WriteLine($"after warm-up (step {warmup}): baseline {baseline / 1024.0:F1} MiB, min {min / 1024.0:F1}, max {max / 1024.0:F1} MiB; " +
                              $"growth {growth:P1}, fall {fall:P1} (goal: growth within 5%)");
            Console.WriteLine($"{steps} steps in {clock.Elapsed.TotalSeconds:F0} s; load after {Measure.LoadAverage()}");
            return growth <= 0.05 ? 0 : 1;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}

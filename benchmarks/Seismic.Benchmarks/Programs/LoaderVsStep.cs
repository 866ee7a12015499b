using Seismic.Data.Loading;
using Seismic.Models;
using Seismic.Training;
using TorchSharp;

namespace Seismic.Benchmarks.Programs;

/// <summary>
/// Loader throughput versus training consumption: batches per second of the cache <see cref="BatchLoader"/> (batch 8 at
/// S = 64, disposed batches recycled) versus <see cref="Trainer.Step"/> per second (i2sb_small_cond, 64 x 64, batch 8 in
/// one microbatch), alternated A B A B. Goal: loader at least 10x the consumption.
/// </summary>
/// <remarks>Usage: <c>loader-vs-step [--rounds 5] [--steps 3] [--batches 200] [--threads 2]</c>.</remarks>
internal static class LoaderVsStep
{
    public static int Run(string[] args)
    {
        int rounds = Measure.Option(args, "--rounds", 5), stepsPerRound = Measure.Option(args, "--steps", 3);
        int batchesPerRound = Measure.Option(args, "--batches", 200);
        torch.set_num_threads(Measure.Option(args, "--threads", 2));
        var root = Measure.WriteOpenFwi(train: 64, val: 8);
        try
        {
            var options = new TrainingOptions
            {
                Data = new DataOptions { DatasetDir = root },
                Model = new ModelSpec { Network = ModelPreset.I2sbSmallCond.Network, ImageSize = 64 },
                Optimization = new OptimizationOptions { BatchSize = 8, Microbatch = 8, NumIterations = 1_000_000 },
                Schedule = new ScheduleOptions { SaveEvery = 1_000_000, ValBatches = 0 },
                ResultDir = Path.Combine(root, "results"),
                Device = "cpu",
            };
            using var trainer = Trainer.CreateBuilder().Options(options with { Schedule = options.Schedule with { ValBatches = 0 } }).Build();
            using var dataset = SeismicDataset.Builder().FromDirectory(root).Dataset("FlatVel_A").ImageSize(64).Build();
            var loader = dataset.CreateLoader(new BatchLoaderOptions { BatchSize = 8, Shuffle = true, Seed = 1, DropLast = true, Endless = true });
            using var batches = loader.GetEnumerator();

            double LoadRate() => batchesPerRound / Measure.Seconds(() =>
            {
                for (int i = 0; i < batchesPerRound; i++)
                {
                    batches.MoveNext();
                    batches.Current.Dispose();
                }
            });
            double StepRate() => stepsPerRound / Measure.Seconds(() =>
            {
                for (int i = 0; i < stepsPerRound; i++) trainer.Step();
            });

            Console.WriteLine($"loader vs step: batch 8, S = 64, i2sb_small_cond, {torch.get_num_threads()} threads, load before {Measure.LoadAverage()}");
            LoadRate(); StepRate(); // warm-up (page cache, JIT, allocator)
            var load = new List<double>();
            var step = new List<double>();
            var ratios = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                double a, b;
                if (r % 2 == 0) { a = LoadRate(); b = StepRate(); }
                else { b = StepRate(); a = LoadRate(); }
                load.Add(a);
                step.Add(b);
                ratios.Add(a / b);
                Console.WriteLine($"  round {r + 1}: loader {a:F0} batches/s, trainer {b:F2} steps/s ({1000 / b:F0} ms/step), ratio {a / b:F0}");
            }
            Console.WriteLine($"loader (batches/s):  {Measure.Spread(load, "F0")}");
            Console.WriteLine($"trainer (steps/s):   {Measure.Spread(step, "F2")}");
            Console.WriteLine($"loader / trainer:    {Measure.Spread(ratios, "F0")}  (goal >= 10)");
            Console.WriteLine($"load after {Measure.LoadAverage()}");
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
        return 0;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Seismic.Diffusion;
using Seismic.Diffusion.Corruption;
using Seismic.Models;
using Seismic.Training;
using Seismic.Training.Distributed;
using TorchSharp;
using static TorchSharp.torch;

// One rank of a distributed test: `mpirun -np N dotnet Seismic.Distributed.TestHost.dll <scenario> [args]`.
// Every rank prints "<scenario> OK rank r/n" when its checks pass. A failed check throws; RunOrAbort then prints
// "error: rank r of n: ..." and aborts the whole job with exit code 1, as an application should.
var scenario = args.FirstOrDefault() ?? "";
// "timeout" runs with a 3 s collective timeout, so that its test takes seconds.
var timeout = scenario == "timeout" ? TimeSpan.FromSeconds(3) : ProcessGroupOptions.DefaultCollectiveTimeout;
using var group = ProcessGroups.Create(new ProcessGroupOptions { Mode = DistributedMode.Mpi, CollectiveTimeout = timeout });
return group.RunOrAbort(() =>
{
    switch (scenario)
    {
        case "allreduce": Scenarios.AllReduce(group); break;
        case "broadcast": Scenarios.Broadcast(group); break;
        case "reducer": Scenarios.Reducer(group); break;
        case "die": Scenarios.Die(group, args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3); break;
        case "fail": Scenarios.Fail(group); break;
        case "timeout": Scenarios.Timeout(group); break;
        case "train-fail": Scenarios.TrainFail(group, args[1], args[2]); break;
        case "grad-reduce": Scenarios.GradReduce(group, args[1], args[2]); break;
        case "bench": Scenarios.Bench(group, args.Skip(1).ToArray()); break;
        default: Console.Error.WriteLine("usage: Seismic.Distributed.TestHost allreduce|broadcast|reducer|die|fail|timeout|train-fail|grad-reduce|bench"); return 2;
    }
    Console.WriteLine($"{scenario} OK rank {group.Rank}/{group.Size} ({group.Backend}, local {group.LocalRank}/{group.LocalSize})");
    return 0;
});

internal static class Scenarios
{
    private static void Check(bool ok, string what)
    {
        if (!ok) throw new InvalidOperationException("check failed: " + what);
    }

    public static void AllReduce(IProcessGroup g)
    {
        const int n = 1 << 20;
        var f = new float[n];
        var d = new double[n];
        for (int i = 0; i < n; i++) { f[i] = g.Rank + 1 + i % 7; d[i] = (g.Rank + 1) * 1e-3 + i; }
        g.AllReduceSum(f);
        g.AllReduceSum(d);
        int s = g.Size, ranks = s * (s + 1) / 2; // sum of (rank + 1)
        for (int i = 0; i < n; i++)
        {
            Check(f[i] == ranks + s * (i % 7), $"float sum at {i}: {f[i]}");
            Check(Math.Abs(d[i] - (ranks * 1e-3 + s * (double)i)) < 1e-9, $"double sum at {i}: {d[i]}");
        }
        // Latency of the fact: an in-place all-reduce of 1 M floats.
        var times = new List<double>();
        for (int k = 0; k < 60; k++)
        {
            g.Barrier();
            var sw = Stopwatch.StartNew();
            g.AllReduceSum(f);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times = times.Skip(10).Order().ToList();
        if (g.Rank == 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allreduce 1M floats: median {times[times.Count / 2]:F3} ms, min {times[0]:F3} ms over {times.Count}"));
    }

    public static void Broadcast(IProcessGroup g)
    {
        for (int root = 0; root < g.Size; root++)
        {
            var data = new byte[1000 + root];
            if (g.Rank == root) for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 31 + root);
            g.Broadcast(data, root);
            for (int i = 0; i < data.Length; i++) Check(data[i] == (byte)(i * 31 + root), $"byte {i} from root {root}");
            float[] values = g.Rank == root ? [root, float.NaN, -0f] : [0, 0, 0];
            g.Broadcast<float>(values, root);
            Check(values[0] == root && float.IsNaN(values[1]) && BitConverter.SingleToInt32Bits(values[2]) == BitConverter.SingleToInt32Bits(-0f), $"floats from root {root}");
        }
    }

    /// <summary>Data-parallel step on a small net against one process on the whole batch.</summary>
    public static void Reducer(IProcessGroup g)
    {
        const int batch = 8;
        Check(batch % g.Size == 0, "the batch splits evenly");
        manual_seed(1000 + g.Rank); // different initial weights on each rank: the broadcast must equalise them
        var net = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 1));
        using var reducer = new GradientReducer(net, g, new GradientReducerOptions { BucketBytes = 256 }); // several buckets
        reducer.BroadcastParameters(root: 0);

        // The reference: the same weights, the whole batch, one process.
        var reference = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 1));
        using (no_grad()) foreach (var (a, b) in reference.parameters().Zip(net.parameters())) a.copy_(b);

        var gen = new Generator(42);
        var x = randn([batch, 6], generator: gen);
        var y = randn([batch, 1], generator: gen);
        int share = batch / g.Size;
        var xs = x.narrow(0, g.Rank * share, share);
        var ys = y.narrow(0, g.Rank * share, share);

        // Each rank's loss is its part of the whole batch's mean, so the summed gradients are the whole batch's.
        var loss = nn.functional.mse_loss(net.forward(xs), ys, nn.Reduction.Sum) / batch;
        loss.backward();
        reducer.AllReduceGradients();
        var refLoss = nn.functional.mse_loss(reference.forward(x), y, nn.Reduction.Sum) / batch;
        refLoss.backward();

        double gradDiff = net.parameters().Zip(reference.parameters()).Max(p => (p.First.grad! - p.Second.grad!).abs().max().item<float>());
        Check(gradDiff <= 2e-6, $"summed gradients within 2e-6 of one process's, got {gradDiff:E2}");

        var opt = optim.AdamW(net.parameters(), lr: 1e-2);
        var refOpt = optim.AdamW(reference.parameters(), lr: 1e-2);
        opt.step();
        refOpt.step();
        double weightDiff = net.parameters().Zip(reference.parameters()).Max(p => (p.First - p.Second).abs().max().item<float>());
        Check(weightDiff <= 2e-6, $"weights after AdamW within 2e-6 of one process's, got {weightDiff:E2}");

        // Bit-identical across ranks: compare every rank's weights with rank 0's bytes.
        var mine = net.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        var root = (float[])mine.Clone();
        g.Broadcast<float>(root, 0);
        Check(MemoryMarshal.AsBytes(mine.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(root.AsSpan())), "weights bit-identical to rank 0's");
        if (g.Rank == 0) Console.WriteLine($"reducer: gradient diff {gradDiff:E2}, weight diff {weightDiff:E2} vs one process, {reducer.GradientBucketLengths.Count} buckets");
    }

    /// <summary>Rank 1 exits with <paramref name="exitCode"/> without finalising MPI while the others enter a collective.</summary>
    public static void Die(IProcessGroup g, int exitCode)
    {
        g.Barrier();
        if (g.Rank == 1)
        {
            Console.WriteLine("rank 1: exiting abruptly");
            Console.Out.Flush();
            Environment.Exit(exitCode);
        }
        var values = new float[16];
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(120)) g.AllReduceSum(values); // must be stopped by MPI, not by this loop
        throw new TimeoutException("rank " + g.Rank + " was not stopped within 120 s after rank 1 died");
    }

    /// <summary>Rank 1 throws while the others wait for it in an all-reduce: RunOrAbort must end the job.</summary>
    public static void Fail(IProcessGroup g)
    {
        g.Barrier();
        if (g.Rank == 1) throw new InvalidDataException("injected failure on rank 1");
        var values = new float[16];
        g.AllReduceSum(values);
        throw new TimeoutException("rank " + g.Rank + " left the all-reduce although rank 1 failed");
    }

    /// <summary>Rank 1 sleeps past the 3 s collective timeout before joining a barrier: the others' watchdog must abort the job.</summary>
    public static void Timeout(IProcessGroup g)
    {
        if (g.Rank == 1) Thread.Sleep(TimeSpan.FromSeconds(120));
        g.Barrier();
        throw new TimeoutException("rank " + g.Rank + " passed the barrier: the watchdog did not abort the job");
    }

    /// <summary>
    /// A tiny data-parallel training run in which rank 1 fails after its second iteration (an exception from its
    /// iteration callback) while rank 0 goes on into the third iteration's collectives: the job must end, not hang.
    /// </summary>
    public static void TrainFail(IProcessGroup g, string dataset, string results)
    {
        set_num_threads(1);
        using var trainer = Trainer.CreateBuilder().Options(TinyRun(dataset, results, "train-fail")).ProcessGroup(g).Build();
        trainer.IterationCompleted += p =>
        {
            if (g.Rank == 1 && p.Iteration == 2) throw new InvalidOperationException("injected failure on rank 1 after iteration 2");
        };
        trainer.Run();
        throw new TimeoutException("rank " + g.Rank + " finished 1000 iterations although rank 1 failed");
    }

    /// <summary>
    /// One iteration with <see cref="GradientReduction.Sum"/> and one with <see cref="GradientReduction.Mean"/> from the same
    /// weights and data: the mean's gradients are the sum's divided by the number of ranks.
    /// </summary>
    public static void GradReduce(IProcessGroup g, string dataset, string results)
    {
        set_num_threads(1);
        var gradients = new Dictionary<GradientReduction, float[]>();
        foreach (var reduction in new[] { GradientReduction.Sum, GradientReduction.Mean })
        {
            var options = TinyRun(dataset, results, reduction.ToString());
            options = options with { Optimization = options.Optimization with { GradientReduction = reduction } };
            using var trainer = Trainer.CreateBuilder().Options(options).ProcessGroup(g).Build();
            trainer.Step();
            gradients[reduction] = trainer.Model.Network.parameters().SelectMany(p => p.grad is null ? [] : p.grad.data<float>().ToArray()).ToArray();
        }
        var (sum, mean) = (gradients[GradientReduction.Sum], gradients[GradientReduction.Mean]);
        Check(sum.Length == mean.Length && sum.Length > 0, "both runs have the same gradients");
        double scale = sum.Select(Math.Abs).Max();
        double worst = sum.Zip(mean, (a, b) => Math.Abs(a / g.Size - b)).Max();
        Check(worst <= 1e-6 * scale, $"mean = sum / {g.Size} within 1e-6 of the largest gradient, got {worst:E2} (largest {scale:E2})");
        if (g.Rank == 0) Console.WriteLine($"grad-reduce: mean = sum / {g.Size} to {worst / scale:E2} of the largest gradient");
    }

    /// <summary>A fast data-parallel run on the tiny dataset the test wrote.</summary>
    private static TrainingOptions TinyRun(string dataset, string results, string name) => new()
    {
        Data = new DataOptions { DatasetDir = dataset },
        Model = new ModelSpec
        {
            Network = ModelPreset.I2sbSmallCond.Network with { ModelChannels = 16, ChannelMult = [1, 2], AttentionResolutions = [], GroupNormGroups = 8, NumHeads = 2 },
            Bridge = new BridgeOptions { Interval = 100 },
            Corruption = CorruptionPreset.OpenFwiBenchmarkA,
            ImageSize = 16,
        },
        Optimization = new OptimizationOptions { BatchSize = 4, Microbatch = 2, NumIterations = 1000, LearningRate = 1e-3 },
        Schedule = new ScheduleOptions { SaveEvery = 1000, ValidateEvery = 1000, ValBatches = 0 },
        ResultDir = results,
        Name = name,
        Device = "cpu",
    };

    /// <summary>
    /// All-reduce time per step for gradient sizes (elements) and bucket sizes (MB): raw process-group calls on a host
    /// buffer cut into buckets, and the whole <see cref="GradientReducer"/> (copies in and out included) on a module with
    /// ~300 parameters of that total size. Args: sizes as "name=elements", buckets as "b=4,25,100", steps as "steps=10".
    /// </summary>
    public static void Bench(IProcessGroup g, string[] args)
    {
        var sizes = args.Where(a => !a.StartsWith("b=", StringComparison.Ordinal) && !a.StartsWith("steps=", StringComparison.Ordinal))
            .Select(a => a.Split('=')).Select(p => (Name: p[0], Elements: long.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
        if (sizes.Count == 0) sizes = [("unet_ch32", 15_852_481), ("unet_ch64", 63_330_177)];
        var buckets = (args.FirstOrDefault(a => a.StartsWith("b=", StringComparison.Ordinal))?[2..] ?? "4,25,100").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int steps = int.Parse(args.FirstOrDefault(a => a.StartsWith("steps=", StringComparison.Ordinal))?[6..] ?? "10", CultureInfo.InvariantCulture);
        set_num_threads(1);

        foreach (var (name, elements) in sizes)
        {
            var net = new ParameterBag(elements, 300);
            foreach (var p in net.parameters()) p.grad = ones_like(p).DetachFromDisposeScope();
            var host = new float[elements];
            foreach (var mb in buckets)
            {
                int bucket = (int)(mb * (1 << 20) / sizeof(float));
                double raw = Time(g, steps, () =>
                {
                    for (long off = 0; off < elements; off += bucket) g.AllReduceSum(host.AsSpan((int)off, (int)Math.Min(bucket, elements - off)));
                });
                using var reducer = new GradientReducer(net, g, new GradientReducerOptions { BucketBytes = (long)(mb * (1 << 20)) });
                reducer.AllReduceGradients(); // allocate buckets
                double full = Time(g, steps, reducer.AllReduceGradients);
                if (g.Rank == 0)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"bench {name} {elements} params, bucket {mb} MB ({reducer.GradientBucketLengths.Count} calls): raw all-reduce {raw:F1} ms/step ({elements * 4e-6 / raw:F2} GB/s), GradientReducer {full:F1} ms/step"));
            }
        }
    }

    private static double Time(IProcessGroup g, int steps, Action step)
    {
        step(); // warm-up
        var times = new List<double>();
        for (int i = 0; i < steps; i++)
        {
            g.Barrier();
            var sw = Stopwatch.StartNew();
            step();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        // The slowest rank decides the step: take each step's maximum over ranks, then the median step.
        var worst = times.ToArray().Select(t => t).ToArray();
        var buffer = new double[g.Size * steps];
        worst.CopyTo(buffer, g.Rank * steps);
        g.AllReduceSum(buffer);
        var perStep = Enumerable.Range(0, steps).Select(s => Enumerable.Range(0, g.Size).Max(r => buffer[r * steps + s])).Order().ToArray();
        return perStep[steps / 2];
    }
}

/// <summary>A module whose only content is <c>count</c> parameters of <c>total</c> elements in all (a stand-in for a U-Net's gradient sizes).</summary>
internal sealed class ParameterBag : nn.Module
{
    private readonly TorchSharp.Modules.ParameterList _chunks = new();

    public ParameterBag(long total, int count) : base(nameof(ParameterBag))
    {
        long each = total / count;
        for (int i = 0; i < count; i++)
            _chunks.Add(new TorchSharp.Modules.Parameter(zeros(i == count - 1 ? total - each * (count - 1) : each)));
        RegisterComponents();
    }
}

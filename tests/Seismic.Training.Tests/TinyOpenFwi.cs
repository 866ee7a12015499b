using Seismic.Data.Npy;
using Seismic.Diffusion;
using Seismic.Diffusion.Corruption;
using Seismic.Models;

namespace Seismic.Training.Tests;

/// <summary>A tiny OpenFWI-format dataset on disk and a tiny network, for fast trainer tests.</summary>
internal sealed class TinyOpenFwi : IDisposable
{
    public TinyOpenFwi(int train = 8, int val = 4)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("tiny-openfwi-").FullName;
        Write("train", train, seed: 1);
        Write("val", val, seed: 2);
    }

    public string Directory { get; }

    /// <summary>A U-Net small enough to train in milliseconds per step at S = 16.</summary>
    public static AdmUNetOptions TinyNet => ModelPreset.I2sbSmallCond.Network with
    {
        ModelChannels = 16, ChannelMult = [1, 2], AttentionResolutions = [], GroupNormGroups = 8, NumHeads = 2,
    };

    /// <summary>Options for a fast conditional run on this dataset.</summary>
    public TrainingOptions Options(string name = "tiny") => new()
    {
        Data = new DataOptions { DatasetDir = Directory },
        Model = new ModelSpec
        {
            Network = TinyNet,
            Bridge = new BridgeOptions { Interval = 100 },
            Corruption = CorruptionPreset.OpenFwiBenchmarkA,
            ImageSize = 16,
        },
        Optimization = new OptimizationOptions { BatchSize = 4, Microbatch = 2, NumIterations = 6, LearningRate = 1e-3 },
        Schedule = new ScheduleOptions { SaveEvery = 3, ValidateEvery = 1000, ValBatches = 1, ValBatchSize = 4 },
        ResultDir = Path.Combine(Directory, "results"),
        Name = name,
        Device = "cpu",
    };

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    private void Write(string split, int n, int seed)
    {
        var random = new Random(seed);
        var velocity = new float[n * 70 * 70];
        var seismic = new float[n * 5 * 1000 * 70];
        for (int s = 0; s < n; s++)
        {
            // Horizontal layers, integer m/s increasing with depth.
            int layers = 2 + random.Next(3);
            var speeds = Enumerable.Range(0, layers).Select(_ => (float)(1500 + random.Next(3000))).Order().ToArray();
            for (int z = 0; z < 70; z++)
            {
                float v = speeds[Math.Min(layers - 1, z * layers / 70)];
                for (int x = 0; x < 70; x++) velocity[(s * 70 + z) * 70 + x] = v;
            }
            // A smooth wavelet-like record whose arrival depends on the top velocity (within OpenFWI bounds).
            for (int shot = 0; shot < 5; shot++)
                for (int t = 0; t < 1000; t++)
                    for (int r = 0; r < 70; r++)
                    {
                        double arrival = 80 + Math.Abs(r - shot * 17) * 10_000.0 / speeds[0];
                        double d = (t - arrival) / 20.0;
                        seismic[((s * 5 + shot) * 1000 + t) * 70 + r] = (float)(10 * (1 - 2 * d * d) * Math.Exp(-d * d));
                    }
        }
        NpyWriter.Write(Path.Combine(Directory, split, "model", "model1.npy"), velocity, [n, 1, 70, 70]);
        NpyWriter.Write(Path.Combine(Directory, split, "data", "data1.npy"), seismic, [n, 5, 1000, 70]);
    }
}

/// <summary>Short variations of nested options for tests: <c>o = o.Optimization(x => x with { NumIterations = 1 })</c>.</summary>
internal static class TrainingOptionsVariations
{
    public static TrainingOptions Optimization(this TrainingOptions o, Func<OptimizationOptions, OptimizationOptions> vary) => o with { Optimization = vary(o.Optimization) };
    public static TrainingOptions Schedule(this TrainingOptions o, Func<ScheduleOptions, ScheduleOptions> vary) => o with { Schedule = vary(o.Schedule) };
    public static TrainingOptions Spec(this TrainingOptions o, Func<ModelSpec, ModelSpec> vary) => o with { Model = vary(o.Model) };
    public static TrainingOptions Bridge(this TrainingOptions o, Func<BridgeOptions, BridgeOptions> vary) => o with { Model = o.Model with { Bridge = vary(o.Model.Bridge) } };
}

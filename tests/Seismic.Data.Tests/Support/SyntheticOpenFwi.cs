using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;

namespace Seismic.Data.Tests.Support;

/// <summary>Writes small OpenFWI-format folders for tests: DIR/{train,val}/{data,model}/*.npy with seeded values.</summary>
internal sealed class SyntheticOpenFwi : IDisposable
{
    /// <summary>A small dataset ("tiny": 5 shots x 40 time samples x 12 receivers, 10 x 10 velocity) for fast tests.</summary>
    public static readonly OpenFwiConfig TinyConfig = OpenFwiConfig.Default.Override(
        """{ "tiny": { "data_min": -20, "data_max": 40, "label_min": 1500, "label_max": 4500, "nt": 40, "ng": 12, "n_grid": 10 } }""");

    public static OpenFwiDataset Tiny => TinyConfig["tiny"];

    public SyntheticOpenFwi() => Root = Directory.CreateTempSubdirectory("openfwi-").FullName;

    public string Root { get; }

    public string SplitDir(string split) => Path.Combine(Root, split);

    /// <summary>Writes batched files data{k}.npy (N, ns, nt, ng) + model{k}.npy (N, 1, n, n) with the given counts.</summary>
    public void WriteBatched(string split, OpenFwiDataset info, int[] counts, string dataPrefix = "data", string modelPrefix = "model", int seed = 1, int firstNumber = 1)
    {
        for (int k = 0; k < counts.Length; k++)
        {
            var (seis, vel) = Samples(info, counts[k], seed * 1000 + k);
            NpyWriter.Write(Path.Combine(SplitDir(split), "data", $"{dataPrefix}{k + firstNumber}.npy"), seis, [counts[k], info.Ns, info.Nt, info.Ng]);
            NpyWriter.Write(Path.Combine(SplitDir(split), "model", $"{modelPrefix}{k + firstNumber}.npy"), vel, [counts[k], 1, info.NGrid, info.NGrid]);
        }
    }

    /// <summary>Writes per-sample files data{k}.npy (ns, nt, ng) + model{k}.npy (1, n, n).</summary>
    public void WritePerSample(string split, OpenFwiDataset info, int count, int seed = 2)
    {
        for (int k = 0; k < count; k++)
        {
            var (seis, vel) = Samples(info, 1, seed * 1000 + k);
            NpyWriter.Write(Path.Combine(SplitDir(split), "data", $"data{k + 1}.npy"), seis, [info.Ns, info.Nt, info.Ng]);
            NpyWriter.Write(Path.Combine(SplitDir(split), "model", $"model{k + 1}.npy"), vel, [1, info.NGrid, info.NGrid]);
        }
    }

    /// <summary>Seismic-like amplitudes (heavy tailed, both signs) and velocities in [1500, 4500] m/s.</summary>
    public static (float[] Seismic, float[] Velocity) Samples(OpenFwiDataset info, int count, int seed)
    {
        var rng = new Random(seed);
        var seis = new float[count * info.Ns * info.Nt * info.Ng];
        for (int i = 0; i < seis.Length; i++)
        {
            double u = rng.NextDouble() * 2 - 1;
            seis[i] = (float)(Math.Sign(u) * Math.Pow(Math.Abs(u), 3) * 40);
        }
        var vel = new float[count * info.NGrid * info.NGrid];
        for (int i = 0; i < vel.Length; i++) vel[i] = 1500f + 3000f * (float)rng.NextDouble();
        return (seis, vel);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seismic.Data.IO;
using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;
using Seismic.Physics.Families;
using Seismic.Physics.Propagation;

namespace Seismic.Physics.Synthesis;

/// <summary>
/// Writes an OpenFWI-format dataset of one family: <c>OUT/{train,val}/{data,model}/*.npy</c> plus <c>OUT/manifest.json</c>.
/// </summary>
/// <remarks>
/// <para>Naming. Vel and Style families: <c>dataK.npy</c> / <c>modelK.npy</c>, K = 1, 2, ... over the training files and
/// continuing over the validation files (as OpenFWI's files 1-48 train, 49-60 val). Fault families:
/// <c>seis{L}_1_{k}.npy</c> / <c>vel{L}_1_{k}.npy</c> with L cycling over {2, 3, 4} (A) or {6, 7, 8} (B): file j of the
/// training split gets L = Ls[j mod 3], k = j div 3; validation files continue k after the last training k.</para>
/// <para>Determinism. Training sample i is model <c>(Seed, i)</c> and validation sample i is model <c>(Seed, 2^32 + i)</c>
/// of <see cref="VelocityModelGenerator"/>; its data is the forward model of it. Nothing else enters, so a rerun, a resumed
/// run and a run with more samples write identical bytes for the samples they share (at the same file size).</para>
/// <para>Resumption. Each file is written atomically (temporary file, then rename). A pair whose two files exist with the
/// expected shapes is kept as is; the manifest written at the start must match the options of a resumed run.</para>
/// </remarks>
public sealed class DatasetSynthesizer
{
    /// <summary>The manifest's file name inside the output folder.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The manifest's format tag.</summary>
    public const string ManifestFormat = "seismic-i2sb/synthesis-v1";

    /// <summary>Stream offset of validation samples (see remarks).</summary>
    public const ulong ValidationStreamOffset = 1UL << 32;

    private readonly VelocityModelGenerator _generator;
    private readonly AcousticPropagator _propagator;

    /// <summary>Creates a synthesizer.</summary>
    /// <param name="options">What to write; validated here, before any work.</param>
    /// <exception cref="ArgumentException">An option is out of range (see <see cref="SynthesisOptions.Validate"/>); the message names it.</exception>
    public DatasetSynthesizer(SynthesisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _generator = new VelocityModelGenerator(options.Family, options.Parameters, options.Acquisition.ModelDepth, options.Acquisition.ModelWidth);
        _propagator = new AcousticPropagator(options.Acquisition, options.MaxDegreeOfParallelism);
        Files = Plan(options);
    }

    /// <summary>The options.</summary>
    public SynthesisOptions Options { get; }

    /// <summary>The file pairs this synthesizer writes, in order.</summary>
    public IReadOnlyList<SynthesisFile> Files { get; }

    /// <summary>Writes (or completes) the dataset.</summary>
    /// <param name="progress">Receives one report per file pair (called synchronously on a worker thread).</param>
    /// <param name="cancellationToken">Stops between shots; finished files stay, the current file is not written.</param>
    /// <returns>What this run did.</returns>
    /// <exception cref="InvalidOperationException">The folder holds a manifest of a different synthesis.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="IOException">A file could not be written.</exception>
    public SynthesisResult Run(IProgress<SynthesisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var sw = Stopwatch.StartNew();
        var o = Options;
        string manifestPath = Path.Combine(o.OutputDirectory, ManifestFileName);
        var config = ConfigJson();
        if (File.Exists(manifestPath))
        {
            var existing = JsonNode.Parse(File.ReadAllText(manifestPath))?["config"];
            if (existing is null || existing.ToJsonString() != config.ToJsonString())
                throw new InvalidOperationException(
                    $"{manifestPath} describes a different synthesis than the one requested (family, seed, counts, file size, acquisition or generator parameters differ); use another output folder or delete it.");
        }
        WriteManifest(manifestPath, config, complete: false);

        long samplesTotal = o.TrainSamples + (long)o.ValidationSamples, samplesDone = 0, written = 0;
        int filesDone = 0, filesWritten = 0, filesSkipped = 0;
        foreach (var file in Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool skip = IsComplete(file);
            if (!skip)
            {
                WriteFile(file, cancellationToken);
                filesWritten++;
                written += file.Count;
            }
            else filesSkipped++;
            filesDone++;
            samplesDone += file.Count;
            progress?.Report(new SynthesisProgress(file, filesDone, Files.Count, samplesDone, samplesTotal, skip, sw.Elapsed));
        }
        WriteManifest(manifestPath, config, complete: true);
        return new SynthesisResult(filesWritten, filesSkipped, written, sw.Elapsed, manifestPath);
    }

    /// <summary>The model of sample <paramref name="index"/> of a split ("train" or "val"), as written to the dataset.</summary>
    public float[] Model(string split, int index) => _generator.Generate(Options.Seed, Stream(split, index));

    private static ulong Stream(string split, int index) => (split == "val" ? ValidationStreamOffset : 0) + (ulong)index;

    private void WriteFile(SynthesisFile file, CancellationToken ct)
    {
        var acq = Options.Acquisition;
        var models = new float[file.Count * acq.ModelSize];
        for (int i = 0; i < file.Count; i++)
            _generator.Generate(Options.Seed, Stream(file.Split, file.FirstSample + i), models.AsSpan(i * acq.ModelSize, acq.ModelSize));

        // Data in chunks straight into the (atomic) file: a full OpenFWI file would not fit in memory comfortably.
        int threads = Options.MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : Options.MaxDegreeOfParallelism;
        int chunk = Math.Max(4 * threads, 8);
        var seismic = new float[Math.Min(chunk, file.Count) * acq.SeismicSize];
        AtomicFile.Write(file.DataPath, stream =>
        {
            NpyWriter.WriteFloat32Header(stream, [file.Count, .. acq.SeismicShape]);
            for (int start = 0; start < file.Count; start += chunk)
            {
                int n = Math.Min(chunk, file.Count - start);
                var part = seismic.AsMemory(0, n * acq.SeismicSize);
                _propagator.Forward(models.AsMemory(start * acq.ModelSize, n * acq.ModelSize), n, part, ct);
                stream.Write(MemoryMarshal.AsBytes(part.Span));
            }
        });
        NpyWriter.Write(file.ModelPath, models, [file.Count, 1, acq.ModelDepth, acq.ModelWidth]);
    }

    private bool IsComplete(SynthesisFile file)
    {
        var acq = Options.Acquisition;
        return HasShape(file.DataPath, [file.Count, .. acq.SeismicShape]) && HasShape(file.ModelPath, [file.Count, 1, acq.ModelDepth, acq.ModelWidth]);

        static bool HasShape(string path, int[] shape)
        {
            if (!File.Exists(path)) return false;
            try
            {
                var h = NpyFile.ReadHeader(path);
                return h.DType == NpyDType.Float32 && h.Shape.SequenceEqual(shape);
            }
            catch (IOException)
            {
                return false; // truncated or foreign: rewrite it
            }
        }
    }

    private static List<SynthesisFile> Plan(SynthesisOptions o)
    {
        var files = new List<SynthesisFile>();
        // OpenFWI names the Fault families' files seis*/vel*, the others data*/model*; "B" variants use other L numbers.
        bool fault = o.Family is VelocityFamily.FlatFaultA or VelocityFamily.FlatFaultB or VelocityFamily.CurveFaultA or VelocityFamily.CurveFaultB;
        int[] ls = o.Family is VelocityFamily.FlatFaultB or VelocityFamily.CurveFaultB ? [6, 7, 8] : [2, 3, 4];
        int trainFiles = (o.TrainSamples + o.SamplesPerFile - 1) / o.SamplesPerFile;
        int kOffset = (trainFiles + ls.Length - 1) / ls.Length;
        int number = 1;
        foreach (var (split, samples) in new[] { ("train", o.TrainSamples), ("val", o.ValidationSamples) })
        {
            string dir = Path.Combine(o.OutputDirectory, split);
            for (int j = 0, first = 0; first < samples; j++, first += o.SamplesPerFile)
            {
                string data, model;
                if (fault)
                {
                    int l = ls[j % ls.Length], k = j / ls.Length + (split == "val" ? kOffset : 0);
                    (data, model) = ($"seis{l}_1_{k}.npy", $"vel{l}_1_{k}.npy");
                }
                else
                {
                    (data, model) = ($"data{number}.npy", $"model{number}.npy");
                    number++;
                }
                files.Add(new SynthesisFile(split, Path.Combine(dir, "data", data), Path.Combine(dir, "model", model), first,
                    Math.Min(o.SamplesPerFile, samples - first)));
            }
        }
        return files;
    }

    private JsonObject ConfigJson()
    {
        var o = Options;
        var a = o.Acquisition;
        var dataset = OpenFwiDataset.For(o.Family);
        return new JsonObject
        {
            ["family"] = dataset.Name,
            ["key"] = dataset.Key,
            ["seed"] = o.Seed.Value,
            ["train_samples"] = o.TrainSamples,
            ["val_samples"] = o.ValidationSamples,
            ["samples_per_file"] = o.SamplesPerFile,
            ["data_min"] = dataset.DataMin,
            ["data_max"] = dataset.DataMax,
            ["label_min"] = VelocityModelGenerator.MinVelocity,
            ["label_max"] = VelocityModelGenerator.MaxVelocity,
            ["acquisition"] = new JsonObject
            {
                ["dx"] = a.Dx,
                ["dt"] = a.Dt,
                ["nt"] = a.TimeSamples,
                ["f"] = a.Frequency,
                ["nbc"] = a.BoundaryCells,
                ["n_grid"] = new JsonArray(a.ModelDepth, a.ModelWidth),
                ["sources_zx"] = new JsonArray([.. a.Sources.Select(s => (JsonNode)new JsonArray(s.Z, s.X))]),
                ["receivers_zx"] = new JsonArray([.. a.Receivers.Select(s => (JsonNode)new JsonArray(s.Z, s.X))]),
                ["wavelet"] = "ricker",
                ["boundary"] = "sponge (OpenFWI), periodic wrap at the padded edges",
            },
            ["generator"] = JsonSerializer.SerializeToNode(o.Parameters),
            ["seeding"] = $"splitmix64(seed, stream); train sample i -> stream i, val sample i -> stream {ValidationStreamOffset} + i",
        };
    }

    private void WriteManifest(string path, JsonObject config, bool complete)
    {
        var manifest = new JsonObject
        {
            ["format"] = ManifestFormat,
            ["complete"] = complete,
            ["config"] = config.DeepClone(),
            ["files"] = new JsonArray([.. Files.Select(f => (JsonNode)new JsonObject
            {
                ["split"] = f.Split,
                ["data"] = Path.GetRelativePath(Options.OutputDirectory, f.DataPath).Replace('\\', '/'),
                ["model"] = Path.GetRelativePath(Options.OutputDirectory, f.ModelPath).Replace('\\', '/'),
                ["first_sample"] = f.FirstSample,
                ["count"] = f.Count,
            })]),
        };
        AtomicFile.WriteAllText(path, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}

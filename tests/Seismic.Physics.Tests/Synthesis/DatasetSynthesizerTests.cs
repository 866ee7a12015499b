using System.Text.Json;
using Seismic.Data;
using Seismic.Data.Npy;
using Seismic.Data.OpenFwi;
using Seismic.Physics.Acquisition;
using Seismic.Physics.Families;
using Seismic.Physics.Propagation;
using Seismic.Physics.Synthesis;

namespace Seismic.Physics.Tests.Synthesis;

public sealed class DatasetSynthesizerTests : IDisposable
{
    // Short records keep the tests fast; the layout logic does not depend on the record length.
    private static readonly AcquisitionOptions Short = AcquisitionOptions.OpenFwi with { TimeSamples = 120 };
    private readonly string _root = Path.Combine(Path.GetTempPath(), "physics-synth-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private SynthesisOptions Options(VelocityFamily family, string name, int train = 5, int val = 3, int perFile = 2, ulong seed = 42) => new()
    {
        Family = family, OutputDirectory = Path.Combine(_root, name), TrainSamples = train, ValidationSamples = val,
        SamplesPerFile = perFile, Seed = seed, Acquisition = Short, MaxDegreeOfParallelism = 2,
    };

    private static string[] Names(string dir) =>
        Directory.Exists(dir) ? [.. Directory.GetFiles(dir).Select(Path.GetFileName).Order()!] : [];

    [Fact]
    public void Vel_layout_has_batched_data_and_model_files_that_pair_and_match_the_forward_model()
    {
        var o = Options(VelocityFamily.FlatVelA, "vel");
        var result = new DatasetSynthesizer(o).Run();
        Assert.Equal((5, 0, 8L), (result.FilesWritten, result.FilesSkipped, result.SamplesWritten));

        string root = o.OutputDirectory;
        Assert.Equal(["data1.npy", "data2.npy", "data3.npy"], Names(Path.Combine(root, "train", "data")));
        Assert.Equal(["model1.npy", "model2.npy", "model3.npy"], Names(Path.Combine(root, "train", "model")));
        Assert.Equal(["data4.npy", "data5.npy"], Names(Path.Combine(root, "val", "data")));
        Assert.Equal(["model4.npy", "model5.npy"], Names(Path.Combine(root, "val", "model")));
        Assert.Empty(Directory.GetFiles(root, "*.tmp-*", SearchOption.AllDirectories));

        var data = NpyFile.ReadAllFloat32(Path.Combine(root, "train", "data", "data3.npy"), out var dshape);
        var model = NpyFile.ReadAllFloat32(Path.Combine(root, "train", "model", "model3.npy"), out var mshape);
        Assert.Equal([1, 5, 120, 70], dshape);
        Assert.Equal([1, 1, 70, 70], mshape);
        // Training sample 4 (the one in file 3) is model (seed, 4); its data is its forward model.
        Assert.Equal(new VelocityModelGenerator(VelocityFamily.FlatVelA).Generate(42, 4), model);
        Assert.Equal(new AcousticPropagator(Short).Forward(model), data);
        NpyFile.ReadAllFloat32(Path.Combine(root, "val", "model", "model4.npy"), out var vshape);
        Assert.Equal([2, 1, 70, 70], vshape);
    }

    [Fact]
    public void Fault_layout_uses_seis_and_vel_names_with_L_cycling_and_val_k_after_train()
    {
        var o = Options(VelocityFamily.FlatFaultB, "fault", train: 4, val: 2, perFile: 1);
        new DatasetSynthesizer(o).Run();
        Assert.Equal(["seis6_1_0.npy", "seis6_1_1.npy", "seis7_1_0.npy", "seis8_1_0.npy"], Names(Path.Combine(o.OutputDirectory, "train", "data")));
        Assert.Equal(["vel6_1_0.npy", "vel6_1_1.npy", "vel7_1_0.npy", "vel8_1_0.npy"], Names(Path.Combine(o.OutputDirectory, "train", "model")));
        Assert.Equal(["seis6_1_2.npy", "seis7_1_2.npy"], Names(Path.Combine(o.OutputDirectory, "val", "data")));
    }

    [Fact]
    public void Manifest_records_family_seed_counts_acquisition_and_generator_parameters()
    {
        var o = Options(VelocityFamily.CurveVelB, "manifest", seed: 7);
        new DatasetSynthesizer(o).Run();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(o.OutputDirectory, DatasetSynthesizer.ManifestFileName)));
        var m = doc.RootElement;
        Assert.True(m.GetProperty("complete").GetBoolean());
        var c = m.GetProperty("config");
        Assert.Equal("CurveVel_B", c.GetProperty("family").GetString());
        Assert.Equal(7UL, c.GetProperty("seed").GetUInt64());
        Assert.Equal(5, c.GetProperty("train_samples").GetInt32());
        Assert.Equal(3, c.GetProperty("val_samples").GetInt32());
        Assert.Equal(2, c.GetProperty("samples_per_file").GetInt32());
        Assert.Equal(57.03, c.GetProperty("data_max").GetDouble());
        Assert.Equal(120, c.GetProperty("acquisition").GetProperty("nt").GetInt32());
        Assert.Equal(0.001, c.GetProperty("acquisition").GetProperty("dt").GetDouble());
        Assert.Equal(5, c.GetProperty("acquisition").GetProperty("sources_zx").GetArrayLength());
        Assert.Equal(FamilyParameters.For(VelocityFamily.CurveVelB).MaxLayers, c.GetProperty("generator").GetProperty("MaxLayers").GetInt32());
        Assert.Equal(5, m.GetProperty("files").GetArrayLength());
    }

    [Fact]
    public void Interrupted_run_resumes_without_rewriting_finished_files_and_ends_identical()
    {
        var o = Options(VelocityFamily.StyleA, "resume");
        using var cts = new CancellationTokenSource();
        var reports = new List<SynthesisProgress>();
        var progress = new SyncProgress(p => { reports.Add(p); if (p.FilesDone == 2) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => new DatasetSynthesizer(o).Run(progress, cts.Token));
        Assert.Equal(2, reports.Count);
        string dataDir = Path.Combine(o.OutputDirectory, "train", "data");
        Assert.Equal(["data1.npy", "data2.npy"], Names(dataDir));
        var stamps = Names(dataDir).ToDictionary(n => n, n => File.GetLastWriteTimeUtc(Path.Combine(dataDir, n)));
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(o.OutputDirectory, "manifest.json"))))
            Assert.False(doc.RootElement.GetProperty("complete").GetBoolean());

        Thread.Sleep(20);
        reports.Clear();
        var resumed = new DatasetSynthesizer(o).Run(new SyncProgress(reports.Add));
        Assert.Equal((3, 2), (resumed.FilesWritten, resumed.FilesSkipped));
        Assert.Equal([true, true, false, false, false], reports.Select(r => r.Skipped));
        Assert.Equal(8, reports[^1].SamplesDone);
        foreach (var (name, stamp) in stamps) Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(dataDir, name)));

        // Same bytes as an uninterrupted run.
        var fresh = Options(VelocityFamily.StyleA, "fresh");
        new DatasetSynthesizer(fresh).Run();
        foreach (var f in Directory.GetFiles(fresh.OutputDirectory, "*.npy", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(o.OutputDirectory, Path.GetRelativePath(fresh.OutputDirectory, f))));
    }

    [Fact]
    public void Refuses_to_mix_with_a_different_synthesis_in_the_same_folder()
    {
        new DatasetSynthesizer(Options(VelocityFamily.FlatVelA, "mixed", train: 1, val: 0)).Run();
        var e = Assert.Throws<InvalidOperationException>(() => new DatasetSynthesizer(Options(VelocityFamily.FlatVelA, "mixed", train: 1, val: 0, seed: 43)).Run());
        Assert.Contains("manifest.json", e.Message);
    }

    [Fact]
    public void Options_are_validated_with_the_option_name()
    {
        var options = new SynthesisOptions { Family = VelocityFamily.FlatVelA, OutputDirectory = _root };
        Assert.Contains("SamplesPerFile", Assert.Throws<ArgumentException>(() => (options with { SamplesPerFile = 0 }).Validate()).Message);
        Assert.Contains("TrainSamples", Assert.Throws<ArgumentException>(() => (options with { TrainSamples = -1 }).Validate()).Message);
        Assert.Contains("MaxDegreeOfParallelism", Assert.Throws<ArgumentException>(() => (options with { MaxDegreeOfParallelism = 0 }).Validate()).Message);
        Assert.Contains("OutputDirectory", Assert.Throws<ArgumentException>(() => (options with { OutputDirectory = " " }).Validate()).Message);
        Assert.Contains("Family", Assert.Throws<ArgumentException>(() => (options with { Family = (VelocityFamily)42 }).Validate()).Message);
        Assert.Contains("TimeSamples", Assert.Throws<ArgumentException>(() =>
            (options with { Acquisition = AcquisitionOptions.OpenFwi with { TimeSamples = 0 } }).Validate()).Message);
        Assert.Contains("MinLayers", Assert.Throws<ArgumentException>(() =>
            (options with { Parameters = FamilyParameters.For(VelocityFamily.FlatVelA) with { MinLayers = 9, MaxLayers = 3 } }).Validate()).Message);
        // Nested records are reported by the path set on SynthesisOptions.
        Assert.Equal("Acquisition.TimeSamples", Assert.Throws<ArgumentException>(() =>
            (options with { Acquisition = AcquisitionOptions.OpenFwi with { TimeSamples = 0 } }).Validate()).ParamName);
        Assert.Equal("Parameters.MinLayers", Assert.Throws<ArgumentException>(() =>
            (options with { Parameters = FamilyParameters.For(VelocityFamily.FlatVelA) with { MinLayers = 9, MaxLayers = 3 } }).Validate()).ParamName);
        Assert.Equal("SamplesPerFile", Assert.Throws<ArgumentException>(() => (options with { SamplesPerFile = 0 }).Validate()).ParamName);
    }

    [Fact]
    public void The_synthesizer_validates_before_it_writes_anything()
    {
        var dir = Path.Combine(_root, "never");
        var bad = new SynthesisOptions { Family = VelocityFamily.FlatVelA, OutputDirectory = dir, TrainSamples = -1 };
        Assert.Contains("TrainSamples", Assert.Throws<ArgumentException>(() => new DatasetSynthesizer(bad)).Message);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Defaults_are_documented_values_and_parameters_follow_the_family()
    {
        var o = new SynthesisOptions { Family = VelocityFamily.StyleB, OutputDirectory = _root };
        Assert.Equal((1000, 200, 500, Seed.Zero, -1), (o.TrainSamples, o.ValidationSamples, o.SamplesPerFile, o.Seed, o.MaxDegreeOfParallelism));
        Assert.Same(AcquisitionOptions.OpenFwi, o.Acquisition);
        Assert.Equal(FamilyParameters.For(VelocityFamily.StyleB), o.Parameters);
        Assert.Equal(FamilyParameters.For(VelocityFamily.CurveVelA), (o with { Family = VelocityFamily.CurveVelA }).Parameters);
        var custom = FamilyParameters.For(VelocityFamily.StyleB) with { TextureSigma = 3 };
        Assert.Equal(custom, (o with { Parameters = custom, Family = VelocityFamily.StyleA }).Parameters);
    }

    private sealed class SyncProgress(Action<SynthesisProgress> report) : IProgress<SynthesisProgress>
    {
        public void Report(SynthesisProgress value) => report(value);
    }
}

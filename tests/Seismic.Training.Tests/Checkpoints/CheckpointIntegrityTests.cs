using Seismic.Models;
using System.Text;
using Seismic.Models.Checkpoints;

namespace Seismic.Training.Tests.Checkpoints;

/// <summary>Checkpoints carry checksums verified on read; corruption anywhere is an error naming file and section (issue 10, problem 6).</summary>
[Collection("torch")]
public sealed class CheckpointIntegrityTests : IDisposable
{
    private readonly TinyOpenFwi _data = new(train: 4, val: 2);

    public void Dispose() => _data.Dispose();

    private string TrainOnce()
    {
        var o = _data.Options();
        o = o.Optimization(x => x with { NumIterations = 1 });
        o = o.Schedule(x => x with { ValBatches = 0 });
        using var trainer = Trainer.CreateBuilder().Options(o with { Schedule = o.Schedule with { ValBatches = 0 } }).Build();
        trainer.Run();
        return trainer.CheckpointPath;
    }

    private string Corrupt(string path, Action<byte[]> change)
    {
        var bytes = File.ReadAllBytes(path);
        change(bytes);
        var broken = Path.Combine(_data.Directory, "broken.ckpt");
        File.WriteAllBytes(broken, bytes);
        return broken;
    }

    [Fact]
    public void Bytes_flipped_near_the_end_are_caught_by_the_checksum()
    {
        var broken = Corrupt(TrainOnce(), b => { for (int i = b.Length - 200; i < b.Length - 190; i++) b[i] ^= 0x5A; });
        var e = Assert.Throws<InvalidDataException>(() => BridgeModel.Load(broken, TorchSharp.torch.CPU));
        Assert.Contains("broken.ckpt", e.Message);
        Assert.Contains("checksum", e.Message);
        Assert.Contains("section 'optimizer'", e.Message);
    }

    [Fact]
    public void Random_bytes_mid_file_give_an_error_naming_the_file()
    {
        var path = TrainOnce();
        var rng = new Random(7);
        for (int k = 0; k < 20; k++)
        {
            var broken = Corrupt(path, b =>
            {
                int at = b.Length / 4 + rng.Next(b.Length / 2);
                for (int i = 0; i < 16; i++) b[at + i] = (byte)rng.Next(256);
            });
            var e = Assert.Throws<InvalidDataException>(() => BridgeModel.Load(broken, TorchSharp.torch.CPU));
            Assert.Contains("broken.ckpt", e.Message);
        }
    }

    [Fact]
    public void Checkpoints_written_before_checksums_still_load()
    {
        var path = TrainOnce();
        var sections = Checkpoint.Read(path);
        // Re-encode in the version 1 layout: no checksum after each section.
        var v1 = Path.Combine(_data.Directory, "v1.ckpt");
        using (var w = new BinaryWriter(File.Create(v1), Encoding.UTF8))
        {
            w.Write("SI2SBCKP"u8.ToArray());
            w.Write(1);
            w.Write(sections.SectionNames.Count);
            foreach (var name in sections.SectionNames)
            {
                var content = sections.Section(name).Span;
                w.Write(name);
                w.Write((long)content.Length);
                w.Write(content);
            }
        }
        using var model = BridgeModel.Load(v1, TorchSharp.torch.CPU);
        Assert.True(model.IsConditional);

        // Without a checksum, damage inside a section still names file and section instead of a bare stream error.
        var bytes = File.ReadAllBytes(v1);
        int ema = bytes.AsSpan().IndexOf("\u0003ema"u8);
        Assert.True(ema > 0);
        bytes.AsSpan(ema + 4 + 8, 8).Fill(0xFF); // the tensor count of the EMA section
        File.WriteAllBytes(v1, bytes);
        var e = Assert.Throws<InvalidDataException>(() => BridgeModel.Load(v1, TorchSharp.torch.CPU));
        Assert.Contains("v1.ckpt", e.Message);
        Assert.Contains("'ema'", e.Message);
    }

    [Fact]
    public void Checkpoints_written_before_the_spec_section_load_and_resume()
    {
        var path = TrainOnce();
        var sections = Checkpoint.Read(path);
        var current = TrainingCheckpoint.Read(path).Options;
        // The layout written before the redesign: no 'spec' section, and one flat options object in 'meta'.
        var flat = new
        {
            Iteration = 1, LearningRate = 1e-3, Losses = new[] { 0.5 },
            Options = new
            {
                DatasetDir = _data.Directory, DatasetName = "FlatVel_A", ImageSize = 16, ResultDir = current.ResultDir, Name = current.Name,
                Seed = 0, Model = "i2sb_small_cond", Network = TinyOpenFwi.TinyNet, PredX0 = false, Interval = 100, BetaMax = 0.3, T0 = 1e-4, T = 1.0,
                OtOde = false, ClipDenoise = false, Corrupt = "blur-openfwi_benchmark_A", BatchSize = 4, Microbatch = 2, NumIterations = 6,
                LearningRate = 1e-3, EmaDecay = 0.99, SaveEvery = 3, ValBatches = 0, ValBatchSize = 4, LogWriter = (string?)null, Guidance = 0.0,
            },
        };
        var old = Path.Combine(_data.Directory, "old.ckpt");
        new CheckpointWriter()
            .Add("meta", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(flat))
            .Add("model", sections.Section("model").Span)
            .Add("ema", sections.Section("ema").Span)
            .Add("optimizer", sections.Section("optimizer").Span)
            .Save(old);

        using (var model = BridgeModel.Load(old, TorchSharp.torch.CPU))
        {
            Assert.Equal(TinyOpenFwi.TinyNet, model.Spec.Network);
            Assert.Equal(Seismic.Diffusion.Corruption.CorruptionPreset.OpenFwiBenchmarkA, model.Spec.Corruption);
            Assert.Equal(100, model.Spec.Bridge.Interval);
            Assert.Equal("flatvel-a", model.Spec.Dataset.Key);
        }
        var converted = TrainingCheckpoint.Read(old).Options;
        Assert.Equal(4, converted.Optimization.BatchSize);
        Assert.Equal(0, converted.Schedule.ValBatches);
        var resume = _data.Options() with { ResumeFrom = old, Name = "resumed" };
        resume = resume.Optimization(x => x with { NumIterations = 2 }).Schedule(x => x with { ValBatches = 0 });
        using var trainer = Trainer.CreateBuilder().Options(resume with { Schedule = resume.Schedule with { ValBatches = 0 } }).Build();
        Assert.Equal(1, trainer.Iteration);
        trainer.Run();
        Assert.Equal(2, trainer.Iteration);
    }
}

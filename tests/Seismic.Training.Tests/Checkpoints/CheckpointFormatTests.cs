using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Seismic.Data.Npy;
using Seismic.Diffusion.Sampling;
using Seismic.Models;
using Seismic.Models.Checkpoints;
using static TorchSharp.torch;

namespace Seismic.Training.Tests.Checkpoints;

/// <summary>
/// The public checkpoint format (docs/checkpoints.md): files written before it was public still load, sample and
/// resume; the layout is what the docs say; each layer owns its sections and applications can add their own.
/// </summary>
[Collection("torch")]
public sealed class CheckpointFormatTests : IDisposable
{
    // Written by the trainer at commit 8b3e08b, before the format was public: a 2-iteration run of a tiny network on
    // TinyOpenFwi data, and a deterministic 2-step sample from it on fixed inputs (see checkpoints/README.md).
    private static readonly string Before = Path.Combine(AppContext.BaseDirectory, "checkpoints", "format2-spec.ckpt");
    private static readonly string BeforeSample = Path.Combine(AppContext.BaseDirectory, "checkpoints", "format2-spec.sample.npy");

    private readonly TinyOpenFwi _data = new(train: 4, val: 2);

    public void Dispose() => _data.Dispose();

    [Fact]
    public void A_checkpoint_from_before_the_change_samples_what_it_sampled_then()
    {
        using var model = BridgeModel.Load(Before, CPU);
        using var x1 = linspace(-1, 1, 2 * 16 * 16).reshape(2, 1, 16, 16);
        using var cond = cos(linspace(0, 20, 2 * 5 * 16 * 16)).reshape(2, 5, 16, 16);
        using var result = model.Sample(x1, cond, new SamplerOptions { Nfe = 2, Deterministic = true });

        var expected = NpyFile.ReadAllFloat32(BeforeSample, out _);
        var actual = result.X0.data<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, 1e-5f));
    }

    [Fact]
    public void A_checkpoint_from_before_the_change_resumes_and_rewrites_its_sections_byte_for_byte()
    {
        var old = Checkpoint.Read(Before);
        Assert.Equal(2, old.Version);
        Assert.Equal(["spec", "meta", "model", "ema", "optimizer"], old.SectionNames);
        var recorded = TrainingCheckpoint.Read(Before);
        Assert.Equal(2, recorded.Iteration);
        Assert.Equal(2, recorded.Losses.Count);

        var o = _data.Options() with { Model = old.ReadSpec(), ResumeFrom = Before, Name = "resumed" };
        o = o.Optimization(x => x with { NumIterations = 2 }).Schedule(x => x with { ValBatches = 0 });
        using var trainer = Trainer.CreateBuilder().Options(o).Build();
        Assert.Equal(2, trainer.Iteration);
        var again = Checkpoint.Read(trainer.SaveCheckpoint(Path.Combine(_data.Directory, "again.ckpt")));

        Assert.Equal(old.SectionNames.Order(), again.SectionNames.Order()); // now the model's sections come first
        foreach (var section in new[] { "spec", "model", "ema", "optimizer" })
            Assert.True(old.Section(section).Span.SequenceEqual(again.Section(section).Span), $"section '{section}' changed");
        trainer.Run(); // and it trains on from there
    }

    [Fact]
    public void The_layout_is_the_documented_one()
    {
        // Read with nothing but the layout in docs/checkpoints.md (what the Python reader there does).
        var bytes = File.ReadAllBytes(Before);
        using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        Assert.Equal("SI2SBCKP"u8.ToArray(), r.ReadBytes(8));
        Assert.Equal(Checkpoint.FormatVersion, r.ReadInt32());
        int count = r.ReadInt32();
        var sections = new Dictionary<string, byte[]>();
        for (int i = 0; i < count; i++)
        {
            var name = r.ReadString(); // 7-bit-encoded length, then UTF-8
            var content = r.ReadBytes((int)r.ReadInt64());
            Assert.Equal(XxHash3.HashToUInt64(content), r.ReadUInt64());
            sections[name] = content;
        }
        Assert.Equal(bytes.Length, r.BaseStream.Position);

        using var spec = JsonDocument.Parse(sections["spec"]);
        Assert.Equal(8, spec.RootElement.GetProperty("Network").GetProperty("ModelChannels").GetInt32());
        Assert.Equal("blur-openfwi_benchmark_A", spec.RootElement.GetProperty("Corruption").GetString());
        using var meta = JsonDocument.Parse(sections["meta"]);
        Assert.Equal(2, meta.RootElement.GetProperty("Iteration").GetInt32());

        // model: TorchSharp's module format, all integers LEB128: count, then name, dtype, rank, dims, raw bytes.
        using var m = new BinaryReader(new MemoryStream(sections["model"]), Encoding.UTF8);
        long tensors = Leb128(m);
        var first = m.ReadString();
        Assert.Equal(6, Leb128(m)); // float32
        var shape = Enumerable.Range(0, (int)Leb128(m)).Select(_ => Leb128(m)).ToArray();
        Assert.Equal("diffusion_model.time_embed.0.weight", first);
        Assert.Equal([32L, 8L], shape);

        // ema: int32 count, then name, int32 dtype, int32 rank, int64 dims, int32 byte count, raw bytes.
        using var e = new BinaryReader(new MemoryStream(sections["ema"]), Encoding.UTF8);
        Assert.Equal(tensors + 2, e.ReadInt32()); // the weights, and the EMA's decay and update count
        Assert.Equal(first, e.ReadString());
        Assert.Equal(6, e.ReadInt32());
        Assert.Equal(2, e.ReadInt32());
        Assert.Equal([32L, 8L], new[] { e.ReadInt64(), e.ReadInt64() });
        Assert.Equal(32 * 8 * sizeof(float), e.ReadInt32());
    }

    [Fact]
    public void Applications_add_sections_that_loading_ignores_and_names_must_be_unique()
    {
        using var model = BridgeModel.Load(Before, CPU);
        var path = Path.Combine(_data.Directory, "with-notes.ckpt");
        var writer = model.WriteTo(new CheckpointWriter()).AddJson("my-app", new { Survey = "line 7", Picks = new[] { 1, 2 } });
        Assert.Throws<ArgumentException>(() => writer.Add(Checkpoint.EmaSection, [1, 2, 3]));
        writer.Save(path);

        var saved = Checkpoint.Read(path);
        Assert.Equal(["spec", "model", "ema", "my-app"], saved.SectionNames);
        Assert.Equal("line 7", saved.ReadJson<JsonDocument>("my-app").RootElement.GetProperty("Survey").GetString());
        using var loaded = BridgeModel.Load(saved, CPU); // a sampling-only checkpoint: no meta, no optimizer
        Assert.Equal(model.Spec, loaded.Spec);
        var e = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Read(path));
        Assert.Contains("with-notes.ckpt", e.Message);
        Assert.Contains("'meta'", e.Message);
    }

    [Fact]
    public void Save_writes_a_sampling_checkpoint_that_loads_to_the_same_weights()
    {
        using var model = BridgeModel.Load(Before, CPU);
        var path = Path.Combine(_data.Directory, "model-only.ckpt");
        model.Save(path);
        using var loaded = BridgeModel.Load(path, CPU);
        var a = model.Network.state_dict();
        var b = loaded.Network.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        Assert.All(a.Keys, k => Assert.True(a[k].equal(b[k]).all().item<bool>(), k));
        Assert.True(Checkpoint.Read(Before).Section("ema").Span.SequenceEqual(Checkpoint.Read(path).Section("ema").Span));
    }

    private static long Leb128(BinaryReader r)
    {
        long value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = r.ReadByte();
            value |= (long)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }
}

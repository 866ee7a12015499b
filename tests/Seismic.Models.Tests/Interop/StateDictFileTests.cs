using Seismic.Tests;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Seismic.Models.Tests.Interop;

[Collection("torch")]
public sealed class StateDictFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("seismic-models-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string PathIn(string name) => Path.Combine(dir, name);

    [Fact]
    public void Reference_pt_is_detected_and_read_by_name()
    {
        var path = Golden.PathOf(TestNets.TinyCase.GetProperty("state_dict").GetString()!);
        Assert.Equal(StateDictFormat.PyTorchZip, StateDictFile.DetectFormat(path));
        var sd = StateDictFile.Read(path);
        try
        {
            Assert.Equal(TestNets.TinyCase.GetProperty("state_dict_shapes").EnumerateObject().Count(), sd.Count);
            Assert.Equal([128L, 32L], sd["time_embed.0.weight"].shape);
        }
        finally { foreach (var t in sd.Values) t.Dispose(); }
    }

    [Fact]
    public void Safetensors_round_trip_is_exact_and_reproduces_the_output()
    {
        using var reference = TestNets.LoadTiny();
        var path = PathIn("tiny.safetensors");
        reference.SaveSafetensors(path);
        Assert.Equal(StateDictFormat.Safetensors, StateDictFile.DetectFormat(path));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));

        torch.manual_seed(11);
        using var copy = new AdmUNet(TestNets.TinyOptions);
        copy.LoadPyTorchStateDict(path);
        var a = reference.state_dict();
        var b = copy.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        foreach (var k in a.Keys) Assert.True(a[k].SameAs(b[k]), k);
    }

    [Fact]
    public void Our_safetensors_load_with_pybridge_and_pybridge_pt_files_load_here()
    {
        torch.manual_seed(12);
        using var net = new AdmUNet(TestNets.Small());
        TestNets.Randomise(net, 12);
        var st = PathIn("small.safetensors");
        net.SaveSafetensors(st);
        using var viaPyBridge = new AdmUNet(TestNets.Small());
        viaPyBridge.load_safetensors(st);
        var pt = PathIn("small.pt");
        net.save_py(pt);   // PyTorch zip format, as torch.save writes it
        using var viaPt = new AdmUNet(TestNets.Small());
        viaPt.LoadPyTorchStateDict(pt);
        foreach (var (k, v) in net.state_dict())
        {
            Assert.True(v.SameAs(viaPyBridge.state_dict()[k]), k);
            Assert.True(v.SameAs(viaPt.state_dict()[k]), k);
        }
    }

    [Fact]
    public void Wrapper_and_dataparallel_prefixes_are_stripped()
    {
        torch.manual_seed(13);
        using var net = new AdmUNet(TestNets.Small());
        TestNets.Randomise(net, 13);
        var path = PathIn("prefixed.safetensors");
        StateDictFile.WriteSafetensors(path, net.state_dict().Select(kv => KeyValuePair.Create("module.diffusion_model." + kv.Key, kv.Value)));
        using var copy = new AdmUNet(TestNets.Small());
        copy.LoadPyTorchStateDict(path);
        Assert.True(net.state_dict()["out.2.weight"].SameAs(copy.state_dict()["out.2.weight"]));
    }

    [Fact]
    public void Legacy_pytorch_format_is_rejected_with_a_fix()
    {
        var path = PathIn("legacy.pt");
        // The legacy format starts with a pickled magic number: PROTO 2, then LONG1 ...
        File.WriteAllBytes(path, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        Assert.Equal(StateDictFormat.PyTorchLegacy, StateDictFile.DetectFormat(path));
        using var net = new AdmUNet(TestNets.Small());
        var e = Assert.Throws<StateDictException>(() => net.LoadPyTorchStateDict(path));
        Assert.Contains("legacy", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains("torch.save", e.Message);
    }

    [Fact]
    public void Garbage_and_truncated_files_are_rejected()
    {
        var garbage = PathIn("garbage.bin");
        File.WriteAllText(garbage, "this is not a checkpoint");
        using var net = new AdmUNet(TestNets.Small());
        Assert.Contains("neither", Assert.Throws<StateDictException>(() => net.LoadPyTorchStateDict(garbage)).Message);

        var st = PathIn("whole.safetensors");
        net.SaveSafetensors(st);
        var bytes = File.ReadAllBytes(st);
        var truncated = PathIn("truncated.safetensors");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        Assert.Throws<StateDictException>(() => net.LoadPyTorchStateDict(truncated));

        var zip = PathIn("broken.pt");
        File.WriteAllBytes(zip, [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0]);
        Assert.Contains(zip, Assert.Throws<StateDictException>(() => net.LoadPyTorchStateDict(zip)).Message);

        Assert.Throws<FileNotFoundException>(() => net.LoadPyTorchStateDict(PathIn("missing.pt")));
    }

    [Fact]
    public void Missing_unexpected_and_misshapen_keys_are_listed_and_nothing_is_copied()
    {
        torch.manual_seed(14);
        using var net = new AdmUNet(TestNets.Small());
        using var before = net.state_dict()["input_blocks.0.0.bias"].clone();
        var good = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);

        var missing = new Dictionary<string, Tensor>(good);
        missing.Remove("middle_block.1.qkv.weight");
        var e1 = Assert.Throws<StateDictException>(() => StateDictFile.LoadInto(net, missing, "'x.pt'"));
        Assert.Contains("1 missing key(s): middle_block.1.qkv.weight", e1.Message);
        Assert.Contains("'x.pt'", e1.Message);

        using var extraTensor = zeros(3);
        var unexpected = new Dictionary<string, Tensor>(good) { ["label_emb.weight"] = extraTensor };
        Assert.Contains("1 unexpected key(s): label_emb.weight", Assert.Throws<StateDictException>(() => StateDictFile.LoadInto(net, unexpected)).Message);

        // A net with 6 input channels has the same names but a different first convolution.
        using var other = new AdmUNet(TestNets.Small(inChannels: 6));
        var path = PathIn("other.safetensors");
        other.SaveSafetensors(path);
        var e3 = Assert.Throws<StateDictException>(() => net.LoadPyTorchStateDict(path));
        Assert.Contains("shape mismatch(es): input_blocks.0.0.weight (expected [16, 3, 3, 3], found [16, 6, 3, 3])", e3.Message);
        Assert.True(before.SameAs(net.state_dict()["input_blocks.0.0.bias"]), "a failed load must not change the module");

        // Many missing keys: the first five are listed, then a count.
        using var tiny = TestNets.LoadTiny();
        var tinyPath = PathIn("tiny.safetensors");
        tiny.SaveSafetensors(tinyPath);
        using var ch32 = new AdmUNet(ModelPreset.Parse("i2sb_small_cond").Network);
        var e4 = Assert.Throws<StateDictException>(() => ch32.LoadPyTorchStateDict(tinyPath));
        Assert.Contains("more)", e4.Message);
    }
}

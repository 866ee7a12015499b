using Seismic.Diffusion.Corruption;
using Seismic.Tests;
using static Seismic.Tests.PickleBytes;

namespace Seismic.Models.Tests.Interop;

[Collection("torch")]
public sealed class OriginalRunOptionsTests
{
    private static readonly string Options = Path.Combine(AppContext.BaseDirectory, "original-run", "ref", "checkpoints", "options.pkl");

    [Fact]
    public void The_originals_options_pkl_is_read_as_plain_data_with_paths_as_strings()
    {
        var run = OriginalRunOptions.Read(Options);
        Assert.Equal(7, run.GetInt("seed"));
        Assert.Equal("unet_ch32", run.GetString("model"));
        Assert.Equal(5e-5, run.GetDouble("lr"));
        Assert.Equal(1.0, run.GetDouble("clip_grad_norm"));
        Assert.False(run.GetBool("ot_ode"));
        Assert.Null(run.GetString("log_writer"));
        Assert.Equal("results/ref/checkpoints", run.GetString("ckpt_path")); // a pathlib.PosixPath
        Assert.Equal("data/per_sample", run.GetString("dataset_dir"));
        Assert.Equal(45, run.Values.Count);
        Assert.Empty(run.Unsupported);
    }

    [Fact]
    public void The_options_map_onto_the_model_spec()
    {
        var spec = OriginalRunOptions.Read(Options).ToModelSpec();
        Assert.Equal(64, spec.ImageSize);
        Assert.Equal("unet_ch32", spec.NetworkName);
        Assert.Same(CorruptionPreset.OpenFwiCustom, spec.Corruption);
        Assert.Equal("flatvel-a", spec.Dataset.Key);
        Assert.Equal(1000, spec.Bridge.Interval);
        Assert.Equal(0.3, spec.Bridge.BetaMax);
        Assert.False(spec.Bridge.OtOde);
        Assert.False(spec.ClipDenoise);
    }

    [Fact]
    public void The_run_folders_checkpoint_loads_into_the_model_its_options_describe()
    {
        var checkpoint = Path.Combine(Path.GetDirectoryName(Options)!, "latest.pt");
        var spec = OriginalRunOptions.Read(Options).ToModelSpec();
        // The folder's .pt holds a shrunk U-Net (benchmarks/reference/make_original_run.py); the options' unet_ch32 refuses it by name.
        using (var full = BridgeModel.Create(spec, TorchSharp.torch.CPU, default))
        {
            var e = Assert.Throws<StateDictException>(() => full.LoadPyTorchStateDict(checkpoint));
            Assert.Contains("latest.pt", e.Message);
        }
        var tiny = spec with
        {
            Network = Seismic.Models.ModelPreset.I2sbSmallCond.Network with
            {
                ModelChannels = 8, ChannelMult = [1, 2], AttentionResolutions = [], GroupNormGroups = 8, NumHeads = 1, NumResBlocks = 1,
            },
            ImageSize = 16,
        };
        using var model = BridgeModel.Create(tiny, TorchSharp.torch.CPU, default);
        model.LoadPyTorchStateDict(checkpoint);
        Assert.Equal(7, model.Ema.UpdateCount);
    }

    [Fact]
    public void Options_without_a_counterpart_are_listed_and_wrong_types_name_the_option()
    {
        // protocol 4: Namespace(); state {'lr': 'fast', 'new_flag': [1, 2.5], 'corrupt': 'jpeg-5'}
        var pickle = Namespace(("lr", Str("fast")), ("new_flag", [0x5d, 0x28, 0x4b, 1, .. Float(2.5), 0x65]), ("corrupt", Str("jpeg-5")));
        var run = OriginalRunOptions.Read(pickle, "mem.pkl");
        Assert.Equal(["new_flag"], run.Unsupported);
        Assert.Equal("[1, 2.5]", run.Format("new_flag"));
        var wrong = Assert.Throws<InvalidDataException>(() => run.GetDouble("lr"));
        Assert.Contains("'lr'", wrong.Message);
        Assert.Contains("mem.pkl", wrong.Message);
        var corrupt = Assert.Throws<InvalidDataException>(() => run.ToModelSpec());
        Assert.Contains("jpeg-5", corrupt.Message);
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("torch", "device")]
    public void A_global_that_is_not_plain_data_is_refused_naming_the_file_and_the_global(string module, string name)
    {
        byte[] pickle = [0x80, 4, .. Str(module), .. Str(name), 0x93, .. Str("x"), 0x85, 0x52, 0x2e];
        var e = Assert.Throws<InvalidDataException>(() => OriginalRunOptions.Read(pickle, "evil.pkl"));
        Assert.Contains("evil.pkl", e.Message);
        Assert.Contains($"{module}.{name}", e.Message);
    }

    [Fact]
    public void Text_protocols_truncation_and_non_namespaces_are_refused_clearly()
    {
        var text = Assert.Throws<InvalidDataException>(() => OriginalRunOptions.Read("(dp0\n."u8.ToArray(), "old.pkl"));
        Assert.Contains("old.pkl", text.Message);
        var file = File.ReadAllBytes(Options);
        var cut = Assert.Throws<InvalidDataException>(() => OriginalRunOptions.Read(file[..(file.Length / 2)], "cut.pkl"));
        Assert.Contains("truncated", cut.Message);
        var list = Assert.Throws<InvalidDataException>(() => OriginalRunOptions.Read([0x80, 4, 0x5d, 0x2e], "list.pkl"));
        Assert.Contains("list", list.Message);
        Assert.Throws<FileNotFoundException>(() => OriginalRunOptions.Read(Path.Combine(AppContext.BaseDirectory, "no-such.pkl")));
    }

    [Fact]
    public void Memo_references_and_large_integers_are_read()
    {
        // {'a': 'same', 'b': <memo 0>, 'big': 2**70}
        byte[] big = [0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0x40];
        byte[] pickle = [0x80, 4, 0x7d, 0x28, .. Str("a"), .. Str("same"), 0x94, .. Str("b"), 0x68, 0, .. Str("big"), .. big, 0x75, 0x2e];
        var run = OriginalRunOptions.Read(pickle, "memo.pkl");
        Assert.Equal("same", run.GetString("b"));
        Assert.Equal(System.Numerics.BigInteger.Pow(2, 70), run.Values["big"]);
        Assert.Throws<InvalidDataException>(() => run.GetInt("big"));
    }
}

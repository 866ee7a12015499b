using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Seismic.Models.Tests.Ema;

[Collection("torch")]
public sealed class EmaTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("seismic-ema-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static TorchSharp.Modules.Linear NewLinear()
    {
        torch.manual_seed(31);
        return Linear(3, 2);
    }

    private static void SetAll(Module m, float value)
    {
        using (no_grad()) foreach (var p in m.parameters()) p.fill_(value);
    }

    [Fact]
    public void Warmup_decay_follows_min_d_of_one_plus_k_over_ten_plus_k()
    {
        Assert.Equal(2.0 / 11.0, Models.Ema.WarmupDecay(0.99, 1));
        Assert.Equal(3.0 / 12.0, Models.Ema.WarmupDecay(0.99, 2));
        Assert.Equal(101.0 / 110.0, Models.Ema.WarmupDecay(0.99, 100));
        Assert.Equal(890.0 / 899.0, Models.Ema.WarmupDecay(0.99, 889));   // 0.98999: still warming up
        Assert.Equal(0.99, Models.Ema.WarmupDecay(0.99, 891));            // 892/901 > 0.99: capped from k = 890 on
        Assert.Equal(0.99, Models.Ema.WarmupDecay(0.99, 1_000_000));
        Assert.Equal(0.5, Models.Ema.WarmupDecay(0.5, 10));
    }

    [Fact]
    public void Updates_apply_the_warmup_decay_to_the_shadow()
    {
        using var lin = NewLinear();
        SetAll(lin, 1f);
        using var ema = new Models.Ema(lin);                  // shadow = 1
        SetAll(lin, 0f);
        ema.Update();                                          // d1 = 2/11: shadow = 1 - (9/11)(1 - 0) = 2/11
        SetAll(lin, 1f);
        ema.Update();                                          // d2 = 3/12: shadow = s - (9/12)(s - 1)
        double s = 2.0 / 11.0;
        s -= (1 - 3.0 / 12.0) * (s - 1);
        Assert.Equal(2, ema.UpdateCount);
        var state = ema.StateDict();
        foreach (var name in ema.ParameterNames)
            Assert.True(state[name].sub(s).abs().max().item<float>() < 1e-6, name);
        foreach (var t in state.Values) t.Dispose();
    }

    [Fact]
    public void Apply_swaps_the_averaged_weights_in_and_restores_the_live_ones()
    {
        using var lin = NewLinear();
        SetAll(lin, 2f);
        using var ema = new Models.Ema(lin);
        SetAll(lin, 5f);
        using (ema.Apply())
        {
            Assert.True(lin.weight!.eq(2f).all().item<bool>());
            Assert.Throws<InvalidOperationException>(ema.Update);
            Assert.Throws<InvalidOperationException>(() => ema.Apply());
        }
        Assert.True(lin.weight!.eq(5f).all().item<bool>());
        Assert.True(lin.bias!.eq(5f).all().item<bool>());
        Assert.True(lin.weight.requires_grad);
        ema.Update();   // usable again after the scope
        ema.CopyTo();
        Assert.False(lin.weight.eq(5f).all().item<bool>());
    }

    [Fact]
    public void Save_and_load_round_trip_the_shadow_and_the_count()
    {
        using var lin = NewLinear();
        using var ema = new Models.Ema(lin, decay: 0.9);
        for (int i = 0; i < 3; i++)
        {
            using (no_grad()) foreach (var p in lin.parameters()) p.add_(1f);
            ema.Update();
        }
        var path = Path.Combine(dir, "ema.safetensors");
        ema.Save(path);

        using var lin2 = NewLinear();
        using var restored = new Models.Ema(lin2, decay: 0.9);
        restored.Load(path);
        Assert.Equal(3, restored.UpdateCount);
        var a = ema.StateDict();
        var b = restored.StateDict();
        Assert.Equal(a.Keys, b.Keys);
        foreach (var k in a.Keys) Assert.True(a[k].SameAs(b[k]), k);

        using var wrongDecay = new Models.Ema(lin2, decay: 0.99);
        Assert.Throws<StateDictException>(() => wrongDecay.Load(path));
        using var otherModule = new Models.Ema(Linear(4, 2));
        Assert.Throws<StateDictException>(() => otherModule.LoadStateDict(a.Where(kv => kv.Key != "decay").ToDictionary()));
    }

    [Fact]
    public void Decay_outside_zero_one_is_rejected()
    {
        using var lin = NewLinear();
        Assert.Throws<ArgumentOutOfRangeException>(() => new Models.Ema(lin, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Models.Ema(lin, 0.0));
    }
}

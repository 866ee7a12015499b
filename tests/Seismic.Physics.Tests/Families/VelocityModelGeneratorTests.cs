using Seismic.Data;
using Seismic.Data.OpenFwi;
using Seismic.Physics.Families;

namespace Seismic.Physics.Tests.Families;

public sealed class VelocityModelGeneratorTests
{
    public static TheoryData<VelocityFamily> Families() => [.. Enum.GetValues<VelocityFamily>()];

    [Theory]
    [MemberData(nameof(Families))]
    public void Every_preset_passes_its_own_validation(VelocityFamily family) => FamilyParameters.For(family).Validate(family);

    [Fact]
    public void Parameters_out_of_range_are_named_before_any_model_is_drawn()
    {
        var style = FamilyParameters.For(VelocityFamily.StyleA) with { TextureSigma = 0 };
        Assert.Equal("TextureSigma", Assert.Throws<ArgumentException>(() => style.Validate(VelocityFamily.StyleA)).ParamName);
        var thick = FamilyParameters.For(VelocityFamily.FlatVelB) with { MinThickness = 20 };
        Assert.Contains("MaxLayers * MinThickness <= 70", Assert.Throws<ArgumentException>(() => thick.Validate(VelocityFamily.FlatVelB)).Message);
        Assert.Throws<ArgumentException>(() => new VelocityModelGenerator(VelocityFamily.FlatVelB, thick));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Models_are_integers_within_1500_4500_and_usually_increase_with_depth(VelocityFamily family)
    {
        var gen = new VelocityModelGenerator(family);
        int increasing = 0;
        for (ulong i = 0; i < 20; i++)
        {
            var v = gen.Generate(7, i);
            Assert.Equal(70 * 70, v.Length);
            Assert.All(v, x => Assert.True(x >= 1500 && x <= 4500 && x == MathF.Round(x), $"{family}: {x}"));
            double top = v.Take(70 * 10).Average(), bottom = v.Skip(70 * 60).Average();
            if (bottom > top) increasing++;
        }
        Assert.True(increasing >= 16, $"{family}: only {increasing}/20 models are faster at the bottom than at the top");
    }

    [Theory]
    [InlineData(VelocityFamily.FlatVelA)]
    [InlineData(VelocityFamily.FlatVelB)]
    public void FlatVel_rows_are_constant(VelocityFamily family)
    {
        var gen = new VelocityModelGenerator(family);
        for (ulong i = 0; i < 10; i++)
        {
            var v = gen.Generate(3, i);
            for (int z = 0; z < 70; z++)
                for (int x = 1; x < 70; x++) Assert.Equal(v[z * 70], v[z * 70 + x]);
        }
    }

    [Theory]
    [InlineData(VelocityFamily.CurveVelA)]
    [InlineData(VelocityFamily.FlatFaultA)]
    [InlineData(VelocityFamily.CurveFaultB)]
    [InlineData(VelocityFamily.StyleA)]
    public void Non_flat_families_have_lateral_variation(VelocityFamily family)
    {
        var gen = new VelocityModelGenerator(family);
        int varying = 0;
        for (ulong i = 0; i < 10; i++)
        {
            var v = gen.Generate(3, i);
            if (Enumerable.Range(0, 70).Any(z => Enumerable.Range(1, 69).Any(x => v[z * 70 + x] != v[z * 70]))) varying++;
        }
        Assert.True(varying >= 8, $"{family}: {varying}/10");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Same_seed_and_index_give_the_same_model_and_others_differ(VelocityFamily family)
    {
        var gen = new VelocityModelGenerator(family);
        Assert.Equal(gen.Generate(11, 5), new VelocityModelGenerator(family).Generate(11, 5));
        Assert.NotEqual(gen.Generate(11, 5), gen.Generate(11, 6));
        Assert.NotEqual(gen.Generate(11, 5), gen.Generate(12, 5));
    }

    [Theory]
    [InlineData(VelocityFamily.FlatVelA, VelocityFamily.FlatVelB)]
    [InlineData(VelocityFamily.CurveVelA, VelocityFamily.CurveVelB)]
    [InlineData(VelocityFamily.FlatFaultA, VelocityFamily.FlatFaultB)]
    [InlineData(VelocityFamily.CurveFaultA, VelocityFamily.CurveFaultB)]
    [InlineData(VelocityFamily.StyleA, VelocityFamily.StyleB)]
    public void B_variants_vary_more_than_A(VelocityFamily a, VelocityFamily b)
    {
        // Variability: mean absolute vertical plus horizontal gradient (m/s per cell) over 30 models.
        static double Roughness(VelocityFamily f)
        {
            var gen = new VelocityModelGenerator(f);
            double total = 0;
            for (ulong i = 0; i < 30; i++)
            {
                var v = gen.Generate(1, i);
                for (int z = 1; z < 70; z++)
                    for (int x = 1; x < 70; x++)
                        total += Math.Abs(v[z * 70 + x] - v[(z - 1) * 70 + x]) + Math.Abs(v[z * 70 + x] - v[z * 70 + x - 1]);
            }
            return total / (30 * 69 * 69);
        }
        double ra = Roughness(a), rb = Roughness(b);
        Assert.True(rb > 1.1 * ra, $"{b}: {rb:0.0} vs {a}: {ra:0.0} m/s per cell");
    }

    [Fact]
    public void A_seed_given_as_int_ulong_or_Seed_gives_the_same_model()
    {
        var gen = new VelocityModelGenerator(VelocityFamily.CurveFaultB);
        Assert.Equal(gen.Generate(7, 3), gen.Generate(7UL, 3));
        Assert.Equal(gen.Generate(new Seed(7), 3), gen.Generate(Seed.Parse("7"), 3));
        Assert.NotEqual(gen.Generate(7, 3), gen.Generate(8, 3));
    }
}

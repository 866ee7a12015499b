using Seismic.Data.OpenFwi;

namespace Seismic.Data.Tests.OpenFwi;

public class OpenFwiDatasetTests
{
    [Theory]
    [InlineData("FlatVel_A", VelocityFamily.FlatVelA)]
    [InlineData("flatvel-a", VelocityFamily.FlatVelA)]
    [InlineData("FlatVelA", VelocityFamily.FlatVelA)]
    [InlineData("FLATVEL_A", VelocityFamily.FlatVelA)]
    [InlineData("curvefault_b", VelocityFamily.CurveFaultB)]
    [InlineData("CurveFault-B", VelocityFamily.CurveFaultB)]
    [InlineData("curvefaultb", VelocityFamily.CurveFaultB)]
    [InlineData(" Style_B ", VelocityFamily.StyleB)]
    public void Parse_accepts_name_key_and_enum_spelling_ignoring_case(string text, VelocityFamily family)
    {
        Assert.Same(OpenFwiDataset.For(family), OpenFwiDataset.Parse(text));
        Assert.True(OpenFwiDataset.TryParse(text, out var d));
        Assert.Equal(family, d.Family);
    }

    [Theory]
    [InlineData("FlatVel_C")]
    [InlineData("nope")]
    [InlineData("")]
    public void Unknown_names_fail_and_the_message_lists_the_valid_names(string text)
    {
        Assert.False(OpenFwiDataset.TryParse(text, out var d));
        Assert.Null(d);
        var e = Assert.Throws<ArgumentException>(() => OpenFwiDataset.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
        foreach (var name in OpenFwiDataset.All.Select(x => x.Name)) Assert.Contains(name, e.Message);
        Assert.False(OpenFwiDataset.TryParse(null, out _));
        Assert.Throws<ArgumentNullException>(() => OpenFwiDataset.Parse(null!));
    }

    [Fact]
    public void The_ten_datasets_are_one_table_in_family_order()
    {
        Assert.Equal(Enum.GetValues<VelocityFamily>(), OpenFwiDataset.All.Select(d => d.Family!.Value));
        Assert.Equal(
            ["FlatVel_A", "FlatVel_B", "CurveVel_A", "CurveVel_B", "FlatFault_A", "FlatFault_B", "CurveFault_A", "CurveFault_B", "Style_A", "Style_B"],
            OpenFwiDataset.All.Select(d => d.Name));
        Assert.Equal(
            ["flatvel-a", "flatvel-b", "curvevel-a", "curvevel-b", "flatfault-a", "flatfault-b", "curvefault-a", "curvefault-b", "style-a", "style-b"],
            OpenFwiDataset.All.Select(d => d.Key));
        foreach (var d in OpenFwiDataset.All)
        {
            Assert.Same(d, OpenFwiDataset.For(d.Family!.Value));
            Assert.Same(d, OpenFwiConfig.Default[d.Name]); // the config holds the same instances, not a copy of the table
            d.Validate();
        }
        Assert.Equal(10, OpenFwiConfig.Default.Datasets.Count);
        Assert.Same(OpenFwiDataset.FlatVelA, OpenFwiConfig.Default["FlatVelA"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => OpenFwiDataset.For((VelocityFamily)10));
    }

    [Fact]
    public void Key_follows_the_name_unless_set_and_with_expressions_copy()
    {
        var mine = new OpenFwiDataset { Name = "My_Set", DataMin = -1, DataMax = 2 };
        Assert.Equal("my-set", mine.Key);
        Assert.Null(mine.Family);
        Assert.Equal("other", (mine with { Key = "other" }).Key);
        var shorter = OpenFwiDataset.FlatVelA with { Nt = 500 };
        Assert.Equal((500, "flatvel-a", VelocityFamily.FlatVelA), (shorter.Nt, shorter.Key, shorter.Family));
        Assert.Equal(1000, OpenFwiDataset.FlatVelA.Nt);
        Assert.Equal([5, 500, 70], shorter.SeismicShape);
        Assert.Equal("FlatVel_A", OpenFwiDataset.FlatVelA.ToString());
    }

    [Theory]
    [InlineData("DataMax", "data_max")]
    [InlineData("LabelMax", "label_max")]
    [InlineData("Nt", "nt")]
    [InlineData("NGrid", "n_grid")]
    [InlineData("Name", null)]
    public void Validate_names_the_property(string property, string? configKey)
    {
        var d = OpenFwiDataset.FlatVelA;
        var bad = property switch
        {
            "DataMax" => d with { DataMax = d.DataMin },
            "LabelMax" => d with { LabelMax = 1000 },
            "Nt" => d with { Nt = 0 },
            "NGrid" => d with { NGrid = -1 },
            _ => d with { Name = " " },
        };
        var e = Assert.Throws<ArgumentException>(bad.Validate);
        Assert.Equal(property, e.ParamName);
        Assert.Contains(property, e.Message);
        if (configKey is not null) Assert.Contains(configKey, e.Message);
        Assert.DoesNotContain("--", e.Message);
    }
}

using System.Text.Json;
using Seismic.Data.Loading;

namespace Seismic.Data.Tests;

public class SeedTests
{
    [Fact]
    public void Integers_convert_implicitly_and_negative_ints_are_rejected()
    {
        Seed fromInt = 7, fromUlong = 7UL, big = ulong.MaxValue;
        Assert.Equal(new Seed(7), fromInt);
        Assert.Equal(fromInt, fromUlong);
        Assert.Equal(ulong.MaxValue, big.Value);
        Assert.Equal(Seed.Zero, default);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => { Seed s = -1; return s; });
        Assert.Contains("negative", e.Message);
        Assert.Equal(long.MaxValue, big.ToInt64());
    }

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("42", 42UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    public void Parse_and_ToString_round_trip(string text, ulong value)
    {
        Assert.Equal(value, Seed.Parse(text).Value);
        Assert.Equal(text, new Seed(value).ToString());
        Assert.True(Seed.TryParse(text, out var s));
        Assert.Equal(value, s.Value);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("18446744073709551616")]
    [InlineData("seven")]
    [InlineData("")]
    public void Parse_rejects_what_is_not_a_seed(string text)
    {
        Assert.False(Seed.TryParse(text, out _));
        Assert.Contains($"'{text}'", Assert.Throws<FormatException>(() => Seed.Parse(text)).Message);
    }

    [Fact]
    public void Json_is_a_plain_number_and_round_trips()
    {
        var options = new BatchLoaderOptions { Seed = ulong.MaxValue };
        Assert.Equal("18446744073709551615", JsonSerializer.Serialize(options.Seed));
        Assert.Equal(new Seed(5), JsonSerializer.Deserialize<Seed>("5"));
        Assert.Equal(ulong.MaxValue, JsonSerializer.Deserialize<Seed>(JsonSerializer.Serialize(new Seed(ulong.MaxValue))).Value);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Seed>("-3"));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Seed>("\"3\""));
    }

    [Fact]
    public void Derive_is_deterministic_and_separates_streams_and_seeds()
    {
        Seed a = 42;
        Assert.Equal(a.Derive(3), new Seed(42).Derive(3));
        Assert.Equal(a.Derive(3, 9), a.Derive(3).Derive(9));
        var values = new HashSet<ulong>();
        for (ulong seed = 0; seed < 20; seed++)
            for (ulong stream = 0; stream < 20; stream++)
                values.Add(new Seed(seed).Derive(stream).Value);
        Assert.Equal(400, values.Count);
        Assert.NotEqual(a, a.Derive(0));
    }
}

using Seismic.Data.OpenFwi;
using Seismic.Data.Tests.Support;
using Seismic.Data.Transforms;
using Seismic.Tests;

namespace Seismic.Data.Tests.Transforms;

public class TransformGoldenTests
{
    [Fact]
    public void Openfwi_normalize_matches_golden()
    {
        var cases = Golden.Cases("openfwi_normalize").ToList();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var info = new OpenFwiDataset
            {
                Name = c.GetProperty("dataset").GetString()!,
                DataMin = c.GetProperty("data_min").GetDouble(),
                DataMax = c.GetProperty("data_max").GetDouble(),
                LabelMin = c.GetProperty("label_min").GetDouble(),
                LabelMax = c.GetProperty("label_max").GetDouble(),
            };
            var norm = new OpenFwiNormalization(info);
            Assert.Equal(OpenFwiDataset.Parse(info.Key).DataMin, info.DataMin);

            var seis = Golden.ReadFloats(c.GetProperty("seismic").GetString()!);
            var seisExpected = Golden.ReadFloats(c.GetProperty("seismic_expected").GetString()!);
            var seisOut = new float[seis.Length];
            norm.NormalizeSeismic(seis, seisOut);
            AssertClose(seisExpected, seisOut, 1e-6);

            var vel = Golden.ReadFloats(c.GetProperty("velocity").GetString()!);
            var velExpected = Golden.ReadFloats(c.GetProperty("velocity_expected").GetString()!);
            var velOut = new float[vel.Length];
            norm.NormalizeVelocity(vel, velOut);
            AssertClose(velExpected, velOut, 1e-6);

            var back = new float[vel.Length];
            norm.DenormalizeVelocity(velOut, back);
            AssertClose(vel, back, 1e-3); // m/s
            Assert.Equal(1500, norm.MetersPerSecondPerUnit, 12);
        }
    }

    [Fact]
    public void Resize_bilinear_matches_golden()
    {
        var cases = Golden.Cases("resize_bilinear").ToList();
        Assert.Equal(2, cases.Count);
        foreach (var c in cases)
        {
            int size = c.GetProperty("size").GetInt32();
            var input = Golden.ReadFloats(c.GetProperty("input").GetString()!, out var shape);
            var expected = Golden.ReadFloats(c.GetProperty("expected").GetString()!, out var outShape);
            Assert.Equal([shape[0], size, size], outShape);
            var output = new float[expected.Length];
            BilinearResize.Resize(input, shape[0], shape[1], shape[2], output, size, size);
            AssertClose(expected, output, 1e-5);

            var reference = ReferenceTransform.Resize(input.Select(v => (double)v).ToArray(), shape[0], shape[1], shape[2], size, size);
            AssertClose(expected, reference.Select(v => (float)v).ToArray(), 1e-5);
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(256)]
    public void Fused_transform_equals_normalise_then_resize(int size)
    {
        var info = OpenFwiConfig.Default["flatvel-a"];
        var (seis, vel) = SyntheticOpenFwi.Samples(info, 1, size);
        var t = new SampleTransform(info, size);
        var seisOut = new float[t.SeismicLength];
        var velOut = new float[t.VelocityLength];
        t.TransformSeismic(seis, seisOut);
        t.TransformVelocity(vel, velOut);

        var seisRef = ReferenceTransform.Resize(ReferenceTransform.NormalizeSeismic(seis, info), 5, 1000, 70, size, size);
        var velRef = ReferenceTransform.Resize(ReferenceTransform.NormalizeVelocity(vel, info), 1, 70, 70, size, size);
        AssertClose(seisRef.Select(v => (float)v).ToArray(), seisOut, 1e-5);
        AssertClose(velRef.Select(v => (float)v).ToArray(), velOut, 1e-5);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-8)]
    [InlineData(60)]
    [InlineData(7)]
    public void Image_size_must_be_a_positive_multiple_of_8(int size)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SampleTransform(OpenFwiConfig.Default["flatvel-a"], size));
        Assert.Contains("multiple of 8", e.Message);
    }

    [Fact]
    public void Resize_rejects_wrong_lengths()
    {
        Assert.Throws<ArgumentException>(() => BilinearResize.Resize(new float[10], 1, 3, 3, new float[4], 2, 2));
        Assert.Throws<ArgumentException>(() => BilinearResize.Resize(new float[9], 1, 3, 3, new float[5], 2, 2));
    }

    internal static void AssertClose(float[] expected, float[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]);
            if (!(d <= worst)) { worst = d; at = i; }
        }
        Assert.True(worst <= tol, $"max |diff| {worst:g3} at {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)}) exceeds {tol:g3}");
    }
}

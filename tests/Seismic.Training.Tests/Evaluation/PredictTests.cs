using Seismic.Data.Loading;
using Seismic.Data.OpenFwi;
using Seismic.Models;
using static TorchSharp.torch;

namespace Seismic.Training.Tests.Evaluation;

/// <summary><see cref="BridgeModel.Predict"/>: raw OpenFWI arrays in m/s in, predictions in m/s out.</summary>
[Collection("torch")]
public sealed class PredictTests : IDisposable
{
    private readonly TinyOpenFwi _data = new(train: 4, val: 3);

    public void Dispose() => _data.Dispose();

    /// <summary>
    /// The raw arrays of the split, through <c>Predict</c>, give what sampling the split's cached (normalised, resized)
    /// tensors with the same seed gives, denormalised: the same transform, the same draws, bit for bit.
    /// </summary>
    [Fact]
    public void Raw_arrays_predict_what_the_split_s_own_tensors_sample()
    {
        using var tiny = new TrainedTiny(_data);
        var (model, val) = (tiny.Trainer.Model, tiny.Val);
        int n = val.Count, raw = val.Info.NGrid * val.Info.NGrid, rawSeismic = val.Info.Ns * val.Info.Nt * val.Info.Ng;
        var velocity = new float[n * raw];
        var seismic = new float[n * rawSeismic];
        for (int i = 0; i < n; i++) val.ReadRawSample(i, velocity.AsSpan(i * raw, raw), seismic.AsSpan(i * rawSeismic, rawSeismic));
        var options = new PredictionOptions { Sampler = new() { Nfe = 2 }, BatchSize = n, Seed = 5 };

        var predicted = model.Predict(velocity, seismic, options);

        using var batch = val.CreateLoader(new BatchLoaderOptions { BatchSize = n, Shuffle = false, PrefetchBatches = 0 }).Load([.. Enumerable.Range(0, n)], epoch: 0);
        using var generator = new Generator(5, CPU);
        using var x1 = tensor(batch.Velocity, batch.VelocityShape);
        using var cond = tensor(batch.Seismic, batch.SeismicShape);
        using var sampled = model.Sample(x1, cond, options.Sampler with { LogCount = 0 }, generator);
        var expected = new float[predicted.Length];
        val.Normalization.DenormalizeVelocity(sampled.X0.data<float>().ToArray(), expected);

        Assert.Equal(n * 16 * 16, predicted.Length);
        Assert.Equal(expected, predicted);
        Assert.All(predicted, v => Assert.InRange(v, 500f, 6000f)); // m/s, not normalised values
    }

    [Fact]
    public void Arrays_that_do_not_match_or_hold_bad_values_are_refused_by_name()
    {
        using var tiny = new TrainedTiny(_data);
        var model = tiny.Trainer.Model;
        var velocity = Enumerable.Repeat(2500f, 2 * 70 * 70).ToArray();
        var seismic = new float[5 * 1000 * 70];
        var e = Assert.Throws<ArgumentException>(() => model.Predict(velocity, seismic));
        Assert.Equal("seismic", e.ParamName);
        Assert.Contains("2 x (5, 1000, 70)", e.Message);
        Assert.Equal("smoothedVelocity", Assert.Throws<ArgumentException>(() => model.Predict(velocity.AsSpan(1), seismic)).ParamName);

        velocity[3] = float.NaN;
        Assert.Throws<InvalidSampleException>(() => model.Predict(velocity, new float[2 * 5 * 1000 * 70]));
        Assert.Contains("BatchSize", Assert.Throws<ArgumentException>(() => model.Predict(velocity, seismic, new PredictionOptions { BatchSize = 0 })).Message);
    }
}

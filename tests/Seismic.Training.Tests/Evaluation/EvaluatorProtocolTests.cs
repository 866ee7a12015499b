using Seismic.Diffusion.Corruption;
using Seismic.Models.Evaluation;
using static TorchSharp.torch;

namespace Seismic.Training.Tests.Evaluation;

/// <summary><see cref="EvaluationProtocol.Original"/>: record_openfwi_metrics.py's corruption draws and sampling.</summary>
[Collection("torch")]
public sealed class EvaluatorProtocolTests : IDisposable
{
    private readonly TinyOpenFwi _data = new(train: 4, val: 5);

    public void Dispose() => _data.Dispose();

    [Fact]
    public void The_original_protocol_draws_one_numpy_corruption_per_batch_in_order_and_samples_without_noise()
    {
        using var tiny = new TrainedTiny(_data);
        var (trainer, val) = (tiny.Trainer, tiny.Val);
        var options = new EvaluationOptions
        {
            Sampler = new() { Nfe = 3 }, BatchSize = 2, Seed = 11, Protocol = EvaluationProtocol.Original, Corruption = CorruptionPreset.OpenFwiCustom,
        };
        var batches = new List<PredictionBatch>();
        var report = new Evaluator(trainer.Model, options).Evaluate(val, onBatch: batches.Add);
        Assert.Equal(5, report.Samples);

        var numpy = new NumPyRandomState(11);
        var blur = CorruptionPreset.OpenFwiCustom.Create();
        foreach (var b in batches)
        {
            using var x0 = tensor(b.Truth, [b.Indices.Length, 1, 16, 16]);
            using var expected = blur.Apply(x0, numpy);
            Assert.Equal(expected.data<float>().ToArray(), b.Input);
        }
        Assert.Equal([2, 2, 1], batches.Select(b => b.Indices.Length));

        // Noise-free: the first batch's predictions are deterministic sampling of its x1.
        Assert.True(report.Deterministic);
        using (var x1 = tensor(batches[0].Input, [2, 1, 16, 16]))
        using (var cond = tensor(batches[0].Seismic, [2, 5, 16, 16]))
        using (var result = trainer.Model.Sample(x1, cond, options.Sampler with { Deterministic = true, LogCount = 0 }))
            Assert.Equal(result.X0.data<float>().ToArray(), batches[0].Prediction);
        var other = new List<PredictionBatch>();
        new Evaluator(trainer.Model, options with { Seed = 12 }).Evaluate(val, onBatch: other.Add);
        Assert.NotEqual(batches[0].Input, other[0].Input);

        var big = options with { Seed = new Seismic.Data.Seed(1UL << 32) };
        Assert.Contains("Seed", Assert.Throws<ArgumentException>(() => new Evaluator(trainer.Model, big)).Message);
    }
}

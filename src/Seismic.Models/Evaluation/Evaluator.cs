using System.Diagnostics;
using Seismic.Data.Loading;
using Seismic.Diffusion.Corruption;
using Seismic.Diffusion.Sampling;
using static TorchSharp.torch;

namespace Seismic.Models.Evaluation;

/// <summary>One evaluated batch handed to a caller (e.g. to save predictions or draw figures).</summary>
/// <param name="Indices">Dataset indices of the samples.</param>
/// <param name="Size">Image size S.</param>
/// <param name="Truth">x0, (B, 1, S, S) normalised.</param>
/// <param name="Input">x1, (B, 1, S, S) normalised.</param>
/// <param name="Prediction">Sampled x0, (B, 1, S, S) normalised.</param>
/// <param name="Seismic">The condition, (B, 5, S, S) normalised.</param>
/// <param name="Trajectory">For the first batch when asked: logged steps with x_n and x0_hat of sample 0, each (S, S).</param>
public sealed record PredictionBatch(int[] Indices, int Size, float[] Truth, float[] Input, float[] Prediction, float[] Seismic,
                                     IReadOnlyList<(int Step, float[] State, float[] X0Hat)>? Trajectory)
{
    /// <summary>The refined models at the native grid, (B, 1, N, N) normalised, when a refiner was given; null otherwise.</summary>
    public float[]? RefinedNative { get; init; }

    /// <summary>The native grid size N of <see cref="RefinedNative"/> (70 for OpenFWI).</summary>
    public int NativeSize { get; init; }
}

/// <summary>
/// Samples a split with a trained <see cref="BridgeModel"/> and measures predictions and the corrupted input x1
/// against the truth at S x S and at OpenFWI's 70 x 70 (resized back bilinearly), the way the field reports.
/// </summary>
public sealed class Evaluator
{
    private readonly BridgeModel _model;
    private readonly EvaluationOptions _options;
    private readonly GaussianMixtureBlur _corruption;

    /// <summary>Creates an evaluator; the corruption is <see cref="EvaluationOptions.Corruption"/>, else the model's (<see cref="ModelSpec.Corruption"/>).</summary>
    /// <param name="model">The model; not owned.</param>
    /// <param name="options">Sampling and batching; null for the defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range, or one batch would not fit in memory.</exception>
    public Evaluator(BridgeModel model, EvaluationOptions? options = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? new EvaluationOptions();
        _options.Validate(model.Bridge.Interval);
        Check.BatchMemory(nameof(EvaluationOptions.BatchSize), _options.BatchSize, model.Spec.ImageSize, model.Spec.Dataset.Ns);
        _corruption = (_options.Corruption ?? model.Spec.Corruption).Create();
    }

    /// <summary>Evaluates <paramref name="dataset"/>; reports progress as (samples done, total).</summary>
    /// <param name="dataset">The split to sample; not owned.</param>
    /// <param name="misfit">Also forward-model every prediction and input x1 and report their data misfit (e.g.
    /// <c>Seismic.Physics.Misfit.DatasetMisfit</c>, about 0.15 s per model on 2 cores); null skips it.</param>
    /// <param name="progress">Receives (samples done, total) after each batch.</param>
    /// <param name="onBatch">Receives each batch (to save predictions or draw figures).</param>
    /// <param name="refiner">Also refine every prediction (or x1, see <see cref="EvaluationOptions.RefineFrom"/>) against its
    /// recorded data at the native grid (e.g. <c>Seismic.Physics.Inversion.DatasetRefiner</c>, several seconds per sample) and
    /// report <see cref="EvaluationReport.Refined"/>; progress is then reported after every sample. Null skips it.</param>
    /// <exception cref="ArgumentException">The dataset does not fit the model (image size), or the misfit's or refiner's grid is not <see cref="EvaluationOptions.NativeSize"/>.</exception>
    public EvaluationReport Evaluate(SeismicDataset dataset, IDataMisfit? misfit = null, IProgress<(int Done, int Total)>? progress = null,
                                     Action<PredictionBatch>? onBatch = null, IModelRefiner? refiner = null)
    {
        CheckDataset(_model, _options, dataset, misfit, refiner);
        var clock = Stopwatch.StartNew();
        var mine = Batches(dataset, _options, _options.BatchSize);
        int total = mine.Sum(b => b.Indices.Length);
        var pred = new MetricAccumulator();
        var input = new MetricAccumulator();
        var predNative = new MetricAccumulator();
        var inputNative = new MetricAccumulator();
        using var generator = new Generator(_options.Seed.Value, CPU);
        var numpy = _options.Protocol == EvaluationProtocol.Original ? new NumPyRandomState((long)_options.Seed.Value) : null;
        // No prefetch thread: reading is cheap next to sampling, and a thread allocating while TorchSharp calls libtorch
        // can set off its finalizer race (docs/troubleshooting.md#rare-segmentation-fault-in-a-torchsharp-process).
        var loader = dataset.CreateLoader(new BatchLoaderOptions { BatchSize = _options.BatchSize, Shuffle = false, PrefetchBatches = 0 });
        int done = 0;
        bool first = true;
        var misfits = misfit is null ? null : new MisfitAccumulator(misfit);
        var refinement = refiner is null ? null : new RefinementAccumulator(refiner, misfit, _options);
        foreach (var (number, indices) in mine)
        {
            if (_options.SeedPerBatch) generator.manual_seed(_options.Seed.Derive((ulong)number).ToInt64());
            using var batch = loader.Load(indices, epoch: 0);
            using var scope = NewDisposeScope();
            var (x0, cond) = batch.ToTensors(_model.Device);
            var x1 = numpy is null ? _corruption.Apply(x0, generator) : _corruption.Apply(x0, numpy);
            using var result = _model.Sample(x1, cond, _options.SamplerFor(trajectory: first), generator);
            var x0Hat = result.X0;

            pred.Add(x0Hat, x0);
            input.Add(x1, x0);
            var truthNative = ToNative(x0, _options.NativeSize);
            var predictionNative = ToNative(x0Hat, _options.NativeSize);
            var inputNativeMaps = ToNative(x1, _options.NativeSize);
            predNative.Add(predictionNative, truthNative);
            inputNative.Add(inputNativeMaps, truthNative);
            misfits?.Add(indices, Floats(predictionNative), Floats(inputNativeMaps));

            var refinedMaps = refinement?.Add(indices, predictionNative, inputNativeMaps, null, x0, truthNative, n => progress?.Report((done + n, total)));

            if (onBatch is not null)
                onBatch(new PredictionBatch(indices, batch.ImageSize, Floats(x0), Floats(x1), Floats(x0Hat), Floats(cond),
                                            first ? Trajectory(result) : null) { RefinedNative = refinedMaps, NativeSize = _options.NativeSize });
            first = false;
            done += indices.Length;
            progress?.Report((done, total));
        }

        var report = Report(_model, _options, dataset, done, pred, predNative, input, inputNative,
                            misfits?.Prediction, misfits?.Input, clock.Elapsed.TotalSeconds);
        return refinement?.Complete(report, dataset.Normalization.MetersPerSecondPerUnit) ?? report;
    }

    /// <summary>The batches an evaluation samples, in order, with their number among all shards' batches: this shard's share of the first MaxSamples.</summary>
    internal static List<(int Number, int[] Indices)> Batches(SeismicDataset dataset, EvaluationOptions options, int batchSize)
    {
        var (shard, shards) = options.Shard;
        return Enumerable.Range(0, Math.Min(dataset.Count, options.MaxSamples ?? int.MaxValue)).Chunk(batchSize)
            .Select((indices, number) => (number, indices)).Where(b => b.number % shards == shard).ToList();
    }

    /// <summary>The checks both evaluators make before sampling: image size, and the misfit's and refiner's grids.</summary>
    internal static void CheckDataset(BridgeModel model, EvaluationOptions options, SeismicDataset dataset, IDataMisfit? misfit, IModelRefiner? refiner)
    {
        if (refiner is not null && refiner.ModelLength != options.NativeSize * options.NativeSize)
            throw new ArgumentException($"The refiner takes models of {refiner.ModelLength} values; EvaluationOptions.NativeSize {options.NativeSize} " +
                                        $"gives {options.NativeSize * options.NativeSize} (use the dataset's n_grid, {dataset.Info.NGrid}).");
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.ImageSize != model.Spec.ImageSize)
            throw new ArgumentException($"The dataset has image size {dataset.ImageSize} but the model was trained at {model.Spec.ImageSize}.");
        if (misfit is not null && misfit.ModelLength != options.NativeSize * options.NativeSize)
            throw new ArgumentException($"The data misfit takes models of {misfit.ModelLength} values; EvaluationOptions.NativeSize {options.NativeSize} " +
                                        $"gives {options.NativeSize * options.NativeSize} (use the dataset's n_grid, {dataset.Info.NGrid}).");
    }

    /// <summary>The report both evaluators write: what was sampled, and the prediction's and x1's metrics (m/s from the dataset's bounds).</summary>
    internal static EvaluationReport Report(BridgeModel model, EvaluationOptions options, SeismicDataset dataset, int samples,
                                            MetricAccumulator prediction, MetricAccumulator predictionNative,
                                            MetricAccumulator input, MetricAccumulator inputNative,
                                            double? dataMisfit, double? inputDataMisfit, double seconds)
    {
        double metersPerUnit = dataset.Normalization.MetersPerSecondPerUnit;
        return new EvaluationReport
        {
            Dataset = dataset.Info.Key,
            Split = dataset.Split.ToString().ToLowerInvariant(),
            Samples = samples,
            ImageSize = dataset.ImageSize,
            Nfe = options.Sampler.Nfe ?? model.Bridge.Interval - 1,
            Guidance = options.Sampler.GuidanceScale,
            Deterministic = model.Spec.Bridge.OtOde || options.SamplerFor(trajectory: false).Deterministic,
            Prediction = MetricSummary.From(prediction.Mean, metersPerUnit) with { DataMisfit = dataMisfit },
            PredictionNative = MetricSummary.From(predictionNative.Mean, metersPerUnit) with { DataMisfit = dataMisfit },
            Input = MetricSummary.From(input.Mean, metersPerUnit) with { DataMisfit = inputDataMisfit },
            InputNative = MetricSummary.From(inputNative.Mean, metersPerUnit) with { DataMisfit = inputDataMisfit },
            DataMisfit = dataMisfit,
            InputDataMisfit = inputDataMisfit,
            Seconds = seconds,
        };
    }

    /// <summary>Maps (B, 1, S, S) resized bilinearly to OpenFWI's grid, as the field reports its metrics.</summary>
    internal static Tensor ToNative(Tensor x, int nativeSize) =>
        nn.functional.interpolate(x, [nativeSize, nativeSize], mode: InterpolationMode.Bilinear, align_corners: false);

    internal static float[] Floats(Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();

    private static IReadOnlyList<(int, float[], float[])>? Trajectory(SamplingResult r)
    {
        if (r.States is null || r.X0Predictions is null) return null;
        var list = new List<(int, float[], float[])>();
        for (int i = 0; i < r.LoggedSteps.Count; i++)
            list.Add((r.LoggedSteps[i], Floats(r.States[0, i, 0]), Floats(r.X0Predictions[0, i, 0])));
        return list;
    }

    /// <summary>
    /// The refinement part of both evaluators: refines each sample's prediction (or x1) at the native grid, measures the
    /// result at the native grid and resized to S x S, and its data misfit; reports each refined sample.
    /// </summary>
    internal sealed class RefinementAccumulator(IModelRefiner refiner, IDataMisfit? misfit, EvaluationOptions options)
    {
        private readonly MetricAccumulator _refined = new(), _refinedNative = new();
        private readonly MisfitAccumulator? _misfits = misfit is null ? null : new MisfitAccumulator(misfit);

        /// <summary>Refines B samples; <paramref name="std"/> (native, normalised) weights the prior when given. Returns the refined native maps.</summary>
        public float[] Add(int[] indices, Tensor predictionNative, Tensor inputNative, Tensor? std, Tensor truth, Tensor truthNative, Action<int> onSample)
        {
            var starts = Floats(options.RefineFrom == RefinementStart.Input ? inputNative : predictionNative);
            var stds = std is null ? null : Floats(std);
            int n = refiner.ModelLength;
            var refined = new float[starts.Length];
            for (int i = 0; i < indices.Length; i++)
            {
                refiner.Refine(indices[i], starts.AsSpan(i * n, n), refined.AsSpan(i * n, n), stds is null ? default : stds.AsSpan(i * n, n));
                onSample(i + 1);
            }
            using var maps = tensor(refined, [indices.Length, 1, options.NativeSize, options.NativeSize]).to(truth.device);
            _refinedNative.Add(maps, truthNative);
            int size = (int)truth.shape[^1];
            using var resized = nn.functional.interpolate(maps, [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
            _refined.Add(resized, truth);
            _misfits?.Add(indices, refined, null);
            return refined;
        }

        /// <summary>The report with the refined blocks added.</summary>
        public EvaluationReport Complete(EvaluationReport report, double metersPerUnit) => report with
        {
            Refined = MetricSummary.From(_refined.Mean, metersPerUnit) with { DataMisfit = _misfits?.Prediction },
            RefinedNative = MetricSummary.From(_refinedNative.Mean, metersPerUnit) with { DataMisfit = _misfits?.Prediction },
            RefinedFrom = options.RefineFrom == RefinementStart.Input ? "x1" : "prediction",
        };
    }

    /// <summary>Mean relative L2 data misfit of predictions and inputs against the recorded seismic data.</summary>
    private sealed class MisfitAccumulator(IDataMisfit misfit)
    {
        private readonly IDataMisfit _misfit = misfit;
        private double _prediction, _input;
        private int _count;

        public double? Prediction => _count == 0 ? null : _prediction / _count;
        public double? Input => _count == 0 ? null : _input / _count;

        /// <summary>Adds samples given as normalised (B, 1, n_grid, n_grid) predictions and inputs (null: predictions only).</summary>
        public void Add(int[] indices, float[] predictions, float[]? inputs)
        {
            int n = _misfit.ModelLength;
            for (int i = 0; i < indices.Length; i++)
            {
                _prediction += _misfit.RelativeL2(indices[i], predictions.AsSpan(i * n, n));
                if (inputs is not null) _input += _misfit.RelativeL2(indices[i], inputs.AsSpan(i * n, n));
                _count++;
            }
        }
    }
}

using System.Diagnostics;
using Seismic.Data.Loading;
using Seismic.Diffusion.Corruption;
using Seismic.Diffusion.Sampling;
using static TorchSharp.torch;

namespace Seismic.Models.Evaluation;

/// <summary>One batch of an ensemble evaluation handed to a caller (to stream members to disk, draw figures). Every
/// map is normalised; arrays are row-major.</summary>
/// <param name="Indices">Dataset indices of the B inputs.</param>
/// <param name="Size">Image size S.</param>
/// <param name="Members">Members per input, K.</param>
/// <param name="Truth">x0, (B, 1, S, S).</param>
/// <param name="Input">x1, (B, 1, S, S).</param>
/// <param name="Ensemble">The members, (B, K, 1, S, S).</param>
/// <param name="Mean">Per-pixel mean, (B, 1, S, S).</param>
/// <param name="Std">Per-pixel standard deviation, (B, 1, S, S).</param>
/// <param name="Prediction">The selected prediction, (B, 1, S, S).</param>
/// <param name="Misfit">Relative L2 data misfit of each member, (B, K); null when not asked for.</param>
public sealed record EnsembleBatch(int[] Indices, int Size, int Members, float[] Truth, float[] Input, float[] Ensemble,
                                   float[] Mean, float[] Std, float[] Prediction, double[]? Misfit)
{
    /// <summary>The refined predictions at the native grid, (B, 1, N, N) normalised, when a refiner was given; null otherwise.</summary>
    public float[]? RefinedNative { get; init; }

    /// <summary>The native grid size N of <see cref="RefinedNative"/>.</summary>
    public int NativeSize { get; init; }
}

/// <summary>
/// Samples a split with K posterior samples per input (<see cref="EnsembleSampler"/>, EMA weights) and measures the
/// selected prediction like <see cref="Evaluator"/> does, plus the mean, median, a single member and the lowest-misfit
/// member, and how well the ensemble's spread predicts its error (<see cref="CalibrationAccumulator"/>).
/// </summary>
/// <remarks>
/// <see cref="EvaluationOptions.BatchSize"/> is the number of network rows per call (inputs x members): a batch holds
/// max(1, BatchSize / K) inputs, so memory stays bounded for any N and K and each batch is handed to the caller and
/// dropped. With K = 1 the draws, and so the predictions, are exactly those of <see cref="Evaluator"/> with the same
/// options. With a data misfit every member, the selected prediction and x1 are
/// forward-modelled at n_grid x n_grid (about 0.15 s each on 2 cores).
/// </remarks>
public sealed class EnsembleEvaluator
{
    private readonly BridgeModel _model;
    private readonly EvaluationOptions _options;
    private readonly EnsembleOptions _ensemble;
    private readonly EnsembleSelection _selection;
    private readonly ICorruption _corruption;

    /// <summary>Creates an ensemble evaluator; the corruption is the model's training preset.</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="options">Sampling and data options; null for the defaults.</param>
    /// <param name="members">Members K per input.</param>
    /// <param name="selection">Which prediction is reported and handed out as <see cref="EnsembleBatch.Prediction"/>.</param>
    /// <param name="variation">What makes the members differ: the sampler's noise (the default), each member's own
    /// corruption draw of x0 (the original's sample.py ensemble; no sampler noise), or both. With a corruption variation
    /// x1's metrics are member 0's.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public EnsembleEvaluator(BridgeModel model, EvaluationOptions? options = null, int members = 8, EnsembleSelection selection = EnsembleSelection.Mean,
                             EnsembleVariation variation = EnsembleVariation.SamplerNoise)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? new EvaluationOptions();
        _options.Validate(model.Bridge.Interval);
        _ensemble = new EnsembleOptions { Members = members, MaxBatch = _options.BatchSize, Variation = variation };
        _ensemble.Validate();
        if (!Enum.IsDefined(selection)) throw new ArgumentException($"Unknown ensemble selection {selection}.", nameof(selection));
        _selection = selection;
        if (_options.Protocol != EvaluationProtocol.Library)
            throw new ArgumentException($"EvaluationOptions.Protocol {_options.Protocol} is not available for ensembles: the original's metric script samples one member per input");
        _corruption = (_options.Corruption ?? model.Spec.Corruption).Create();
    }

    /// <summary>Inputs per batch: as many as fit <see cref="EvaluationOptions.BatchSize"/> rows, at least one.</summary>
    public int InputsPerBatch => Math.Max(1, _options.BatchSize / _ensemble.Members);

    /// <summary>Evaluates <paramref name="dataset"/>; reports progress as (samples done, total).</summary>
    /// <param name="dataset">The split to sample; not owned.</param>
    /// <param name="misfit">Forward-model every member, the selection and x1 and report their data misfit (e.g.
    /// <c>Seismic.Physics.Misfit.DatasetMisfit</c>); required by <see cref="EnsembleSelection.LowestMisfit"/>, null skips it.</param>
    /// <param name="progress">Receives (samples done, total) after each batch.</param>
    /// <param name="onBatch">Receives each batch (to stream members to disk, draw figures).</param>
    /// <param name="refiner">Also refine the selected prediction (or x1, see <see cref="EvaluationOptions.RefineFrom"/>) of
    /// every input, with the ensemble's per-pixel std (resized to the native grid) weighting the refinement's prior: where
    /// the members agree the model stays, where they disagree the data decide. Null skips it.</param>
    /// <exception cref="ArgumentException">The dataset's image size differs from the model's, or lowest-misfit selection without a misfit.</exception>
    public EvaluationReport Evaluate(SeismicDataset dataset, IDataMisfit? misfit = null, IProgress<(int Done, int Total)>? progress = null,
                                     Action<EnsembleBatch>? onBatch = null, IModelRefiner? refiner = null)
    {
        if (_selection == EnsembleSelection.LowestMisfit && misfit is null)
            throw new ArgumentException("Selecting the lowest-misfit member needs a data misfit.", nameof(misfit));
        Evaluator.CheckDataset(_model, _options, dataset, misfit, refiner);
        var refinement = refiner is null ? null : new Evaluator.RefinementAccumulator(refiner, misfit, _options);
        var clock = Stopwatch.StartNew();
        var mine = Evaluator.Batches(dataset, _options, InputsPerBatch);
        int total = mine.Sum(b => b.Indices.Length);
        int k = _ensemble.Members, s = dataset.ImageSize;
        var (selected, input, selectedNative, inputNative) = (new MetricAccumulator(), new MetricAccumulator(), new MetricAccumulator(), new MetricAccumulator());
        var (mean, median, single, lowest) = (new MetricAccumulator(), new MetricAccumulator(), new MetricAccumulator(), new MetricAccumulator());
        var calibration = new CalibrationAccumulator();
        var physics = misfit;
        double memberMisfit = 0, lowestMisfit = 0, selectedMisfit = 0, inputMisfit = 0;
        var sampler = _options.SamplerFor(trajectory: false);
        if (_ensemble.Variation == EnsembleVariation.Corruption) sampler = sampler with { Deterministic = true };
        using var generator = new Generator(_options.Seed.Value, CPU);
        var loader = dataset.CreateLoader(new BatchLoaderOptions { BatchSize = InputsPerBatch, Shuffle = false, PrefetchBatches = 0 });
        int done = 0;
        var sampling = new Stopwatch();
        foreach (var (number, indices) in mine)
        {
            if (_options.SeedPerBatch) generator.manual_seed(_options.Seed.Derive((ulong)number).ToInt64());
            using var batch = loader.Load(indices, epoch: 0);
            using var scope = NewDisposeScope();
            int take = indices.Length;
            var (x0, cond) = batch.ToTensors(_model.Device);
            Tensor x1;
            EnsembleResult ensemble;
            if (_ensemble.Variation == EnsembleVariation.SamplerNoise)
            {
                x1 = _corruption.Apply(x0, generator);
                sampling.Start();
                ensemble = _model.SampleEnsemble(x1, cond, sampler, _ensemble, generator);
            }
            else
            {
                // Every member of every input gets its own corruption draw, input-major as the members.
                var draws = stack(Enumerable.Range(0, take).Select(i =>
                    cat(Enumerable.Range(0, k).Select(_ => _corruption.Apply(x0[i..(i + 1)], generator)).ToList(), 0)).ToList(), 0);
                x1 = draws.select(1, 0);
                sampling.Start();
                ensemble = _model.SampleEnsembleMembers(draws, cond, sampler, _ensemble, generator);
            }
            using var owned = ensemble;
            sampling.Stop();
            var (truth, start) = (x0.cpu(), x1.cpu());

            double[]? memberMisfits = null;
            int[]? best = null;
            if (physics is not null)
            {
                var native = Evaluator.Floats(Evaluator.ToNative(ensemble.Members.view(take * k, 1, s, s), _options.NativeSize));
                int n = physics.ModelLength;
                memberMisfits = new double[take * k];
                for (int r = 0; r < memberMisfits.Length; r++) memberMisfits[r] = physics.RelativeL2(indices[r / k], native.AsSpan(r * n, n));
                best = ensemble.LowestMisfitMembers(memberMisfits);
                var pick = ensemble.Select(EnsembleSelection.LowestMisfit, memberMisfits);
                lowest.Add(pick, truth);
                for (int i = 0; i < take; i++) lowestMisfit += memberMisfits[i * k + best[i]];
                memberMisfit += memberMisfits.Sum() / k;
            }

            var prediction = ensemble.Select(_selection, memberMisfits);
            selected.Add(prediction, truth);
            input.Add(start, truth);
            var truthNative = Evaluator.ToNative(truth, _options.NativeSize);
            var predictionNative = Evaluator.ToNative(prediction, _options.NativeSize);
            var inputNativeMaps = Evaluator.ToNative(start, _options.NativeSize);
            selectedNative.Add(predictionNative, truthNative);
            inputNative.Add(inputNativeMaps, truthNative);
            mean.Add(ensemble.Mean, truth);
            median.Add(ensemble.Median(), truth);
            single.Add(ensemble.Members.select(1, 0), truth);
            calibration.Add(ensemble.Mean, ensemble.Std, truth);
            if (physics is not null)
            {
                var p = Evaluator.Floats(predictionNative);
                var x = Evaluator.Floats(inputNativeMaps);
                int n = physics.ModelLength;
                for (int i = 0; i < take; i++)
                {
                    // The lowest-misfit member was forward-modelled already.
                    selectedMisfit += _selection == EnsembleSelection.LowestMisfit ? memberMisfits![i * k + best![i]] : physics.RelativeL2(indices[i], p.AsSpan(i * n, n));
                    inputMisfit += physics.RelativeL2(indices[i], x.AsSpan(i * n, n));
                }
            }

            var refined = refinement?.Add(indices, predictionNative, inputNativeMaps, Evaluator.ToNative(ensemble.Std, _options.NativeSize),
                                          truth, truthNative, i => progress?.Report((done + i, total)));
            onBatch?.Invoke(new EnsembleBatch(indices, s, k, Evaluator.Floats(truth), Evaluator.Floats(start), Evaluator.Floats(ensemble.Members),
                                              Evaluator.Floats(ensemble.Mean), Evaluator.Floats(ensemble.Std), Evaluator.Floats(prediction), memberMisfits)
                            { RefinedNative = refined, NativeSize = _options.NativeSize });
            done += take;
            progress?.Report((done, total));
        }

        double metersPerUnit = dataset.Normalization.MetersPerSecondPerUnit;
        double seconds = clock.Elapsed.TotalSeconds;
        var report = Evaluator.Report(_model, _options, dataset, done, selected, selectedNative, input, inputNative,
                                      physics is null ? null : selectedMisfit / done, physics is null ? null : inputMisfit / done, seconds);
        report = refinement?.Complete(report, metersPerUnit) ?? report;
        return report with
        {
            Ensemble = new EnsembleSummary
            {
                Members = k,
                Selection = _selection switch
                {
                    EnsembleSelection.Mean => "mean",
                    EnsembleSelection.Median => "median",
                    _ => "misfit",
                },
                Mean = MetricSummary.From(mean.Mean, metersPerUnit),
                Median = MetricSummary.From(median.Mean, metersPerUnit),
                SingleMember = MetricSummary.From(single.Mean, metersPerUnit),
                LowestMisfitMember = physics is null ? null : MetricSummary.From(lowest.Mean, metersPerUnit) with { DataMisfit = lowestMisfit / done },
                MeanStdMetersPerSecond = calibration.MeanStd * metersPerUnit,
                WithinOneStd = calibration.WithinOneStd,
                WithinTwoStd = calibration.WithinTwoStd,
                StdErrorCorrelation = calibration.StdErrorCorrelation,
                MemberDataMisfit = physics is null ? null : memberMisfit / done,
                LowestMemberDataMisfit = physics is null ? null : lowestMisfit / done,
                SecondsPerSample = done == 0 ? 0 : seconds / done,
                SamplingSecondsPerSample = done == 0 ? 0 : sampling.Elapsed.TotalSeconds / done,
            },
        };
    }
}

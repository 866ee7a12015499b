using Seismic.Physics.Acquisition;

namespace Seismic.Physics.Propagation;

/// <summary>
/// OpenFWI-exact forward modelling (docs/physics.md, "The forward model"; Deng et al. 2022, OpenFWI, data generation): constant-density 2-D acoustic wave equation, 2nd order in time,
/// 4th order in space, sponge boundary, Ricker source injected as <c>(v_s dt)^2 w[it]</c> after each update, receivers
/// recorded right after each update; float32 arithmetic, SIMD, parallel over samples and shots.
/// Thread-safe: one instance can serve concurrent calls.
/// </summary>
/// <remarks>
/// Work that cannot change the recorded samples is skipped exactly: at update <c>it</c> only the cells the source can have
/// reached (2 cells per step, the stencil radius) and that the receivers still depend on (2 cells per remaining step) are
/// updated. Results are bitwise identical to updating the whole grid.
/// On x86-64 Linux (glibc) every shot runs with flush-to-zero and denormals-are-zero set on its thread, as fast as the
/// hardware allows, and each thread's floating-point mode is restored afterwards; elsewhere denormals are computed.
/// </remarks>
public sealed class AcousticPropagator
{
    private readonly double[] _wavelet;

    /// <summary>Creates a propagator.</summary>
    /// <param name="acquisition">Geometry and discretisation; the default is <see cref="AcquisitionOptions.OpenFwi"/>.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; -1 (the default) uses all cores.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="maxDegreeOfParallelism"/> is 0 or below -1, or an acquisition value is out of range (see <see cref="AcquisitionOptions.Validate"/>).
    /// </exception>
    public AcousticPropagator(AcquisitionOptions? acquisition = null, int maxDegreeOfParallelism = -1)
    {
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "maxDegreeOfParallelism must be -1 or positive.");
        acquisition ??= AcquisitionOptions.OpenFwi;
        acquisition.Validate();
        Acquisition = acquisition.Frozen();
        MaxDegreeOfParallelism = maxDegreeOfParallelism;
        _wavelet = RickerWavelet.Create(Acquisition.Frequency, Acquisition.Dt, Acquisition.TimeSamples);
    }

    /// <summary>The acquisition this propagator models (equal to the one it was created with).</summary>
    public AcquisitionOptions Acquisition { get; }

    /// <summary>Threads used by the batch methods; -1 means all cores.</summary>
    public int MaxDegreeOfParallelism { get; }

    /// <summary>
    /// Whether to skip cells outside the source's forward cone and the receivers' backward cone (exact: the output is
    /// bitwise identical). The default value is true; false updates the whole padded grid every step (for kernel benchmarks).
    /// </summary>
    public bool SkipUnreachedCells { get; init; } = true;

    /// <summary>Forward-models one velocity model.</summary>
    /// <param name="velocity">Velocities in m/s, row-major (depth, distance), <c>ModelDepth x ModelWidth</c> values.</param>
    /// <param name="cancellationToken">Cancels between shots.</param>
    /// <returns>Seismic data (shots, time samples, receivers), row-major, float32 (OpenFWI amplitude units).</returns>
    /// <exception cref="ArgumentException">Wrong length, or a velocity that is non-finite, non-positive or unstable (see <see cref="ValidateVelocities"/>).</exception>
    public float[] Forward(ReadOnlyMemory<float> velocity, CancellationToken cancellationToken = default) =>
        Forward(velocity, 1, cancellationToken);

    /// <summary>Forward-models <paramref name="count"/> velocity models stored back to back.</summary>
    /// <param name="velocities">(count, ModelDepth, ModelWidth) velocities in m/s, row-major.</param>
    /// <param name="count">Number of models.</param>
    /// <param name="cancellationToken">Cancels between shots.</param>
    /// <returns>(count, shots, time samples, receivers) float32, row-major.</returns>
    /// <exception cref="ArgumentException">Wrong length or an invalid velocity (see <see cref="ValidateVelocities"/>).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public float[] Forward(ReadOnlyMemory<float> velocities, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var seismic = new float[(long)count * Acquisition.SeismicSize];
        Forward(velocities, count, seismic, cancellationToken);
        return seismic;
    }

    /// <summary>Forward-models <paramref name="count"/> models into a caller-provided buffer.</summary>
    /// <param name="velocities">(count, ModelDepth, ModelWidth) velocities in m/s.</param>
    /// <param name="count">Number of models.</param>
    /// <param name="seismic">Destination, (count, shots, time samples, receivers); every element is overwritten.</param>
    /// <param name="cancellationToken">Cancels between shots.</param>
    /// <exception cref="ArgumentException">Wrong lengths or an invalid velocity.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public void Forward(ReadOnlyMemory<float> velocities, int count, Memory<float> seismic, CancellationToken cancellationToken = default)
    {
        var acq = Acquisition;
        ValidateVelocities(velocities.Span, count, acq);
        if (seismic.Length != (long)count * acq.SeismicSize)
            throw new ArgumentException($"seismic buffer has {seismic.Length} elements but {count} samples of ({string.Join(", ", acq.SeismicShape)}) need {(long)count * acq.SeismicSize}.", nameof(seismic));
        if (count == 0) return;

        int shots = acq.ShotCount;
        int threads = MaxDegreeOfParallelism == -1 ? Environment.ProcessorCount : MaxDegreeOfParallelism;
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxDegreeOfParallelism, CancellationToken = cancellationToken };

        if (count >= 2 * threads)
        {
            // Many samples: one sample per work item keeps its prepared model hot in cache for all its shots.
            Parallel.For(0, count, options, () => new Workspace(acq), (n, _, ws) =>
            {
                var model = PreparedModel.Create(velocities.Span.Slice(n * acq.ModelSize, acq.ModelSize), acq);
                for (int s = 0; s < shots; s++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    RunShot(model, s, ws, seismic.Span.Slice((n * shots + s) * acq.TimeSamples * acq.ReceiverCount, acq.TimeSamples * acq.ReceiverCount));
                }
                return ws;
            }, _ => { });
        }
        else
        {
            // Few samples: spread the shots over the threads.
            var models = new PreparedModel[count];
            for (int n = 0; n < count; n++) models[n] = PreparedModel.Create(velocities.Span.Slice(n * acq.ModelSize, acq.ModelSize), acq);
            Parallel.For(0, count * shots, options, () => new Workspace(acq), (k, _, ws) =>
            {
                int n = k / shots, s = k % shots;
                RunShot(models[n], s, ws, seismic.Span.Slice(k * acq.TimeSamples * acq.ReceiverCount, acq.TimeSamples * acq.ReceiverCount));
                return ws;
            }, _ => { });
        }
    }

    /// <summary>
    /// Checks velocity models before modelling: the length is a whole number of models, and every value is finite,
    /// physically plausible (<see cref="Seismic.Data.OpenFwi.SampleValidation"/>: 100 to 20,000 m/s) and keeps the Courant number <c>v dt / dx</c> within the scheme's stability limit for that model
    /// (<see cref="AcquisitionOptions.MaxStableCourantNumber"/>, about 0.60 with the defaults, i.e. roughly 5900 to
    /// 6080 m/s; OpenFWI's models stay below 4500 m/s, Courant 0.45).
    /// </summary>
    /// <param name="velocities">(count, ModelDepth, ModelWidth) velocities in m/s.</param>
    /// <param name="count">Number of models expected.</param>
    /// <param name="acquisition">The acquisition (model size, dx, dt, sponge).</param>
    /// <exception cref="ArgumentException">The first problem found, naming the sample and cell.</exception>
    public static void ValidateVelocities(ReadOnlySpan<float> velocities, int count, AcquisitionOptions acquisition)
    {
        ArgumentNullException.ThrowIfNull(acquisition);
        int size = acquisition.ModelSize;
        if (count < 0 || velocities.Length != (long)count * size)
            throw new ArgumentException($"velocity has {velocities.Length} values but {count} model(s) of {acquisition.ModelDepth} x {acquisition.ModelWidth} need {(long)count * size}.");
        for (int n = 0; n < count; n++)
        {
            var model = velocities.Slice(n * size, size);
            int worst = 0;
            float vmin = float.MaxValue;
            for (int i = 0; i < size; i++)
            {
                float v = model[i];
                string Where() => $"sample {n}, cell (z={i / acquisition.ModelWidth}, x={i % acquisition.ModelWidth})";
                if (!float.IsFinite(v)) throw new ArgumentException($"velocity {v} at {Where()} is not finite.");
                if (v <= 0) throw new ArgumentException($"velocity {v} m/s at {Where()} is not positive.");
                if (v is < Seismic.Data.OpenFwi.SampleValidation.MinVelocity or > Seismic.Data.OpenFwi.SampleValidation.MaxVelocity)
                    throw new ArgumentException($"velocity {v} m/s at {Where()} is outside the physically plausible range [{Seismic.Data.OpenFwi.SampleValidation.MinVelocity}, {Seismic.Data.OpenFwi.SampleValidation.MaxVelocity}] m/s (velocities are in m/s).");
                if (v > model[worst]) worst = i;
                vmin = Math.Min(vmin, v);
            }
            double limit = acquisition.MaxStableCourantNumber(vmin);
            double courant = model[worst] * acquisition.Dt / acquisition.Dx;
            if (courant > limit)
                throw new ArgumentException(
                    $"velocity {model[worst]} m/s at sample {n}, cell (z={worst / acquisition.ModelWidth}, x={worst % acquisition.ModelWidth}) gives Courant number v*dt/dx = {courant:0.###}, above the scheme's stability limit {limit:0.###} (max {acquisition.MaxStableVelocity(vmin):0} m/s for dx={acquisition.Dx} m, dt={acquisition.Dt} s).");
        }
    }

    /// <summary>Test hook: called on the worker thread at the start of every shot, inside its floating-point scope.</summary>
    internal Action? ShotStarting { get; init; }

    private void RunShot(PreparedModel model, int shot, Workspace ws, Span<float> record) =>
        RunShot(model, new ShotGeometry(Acquisition, shot, SkipUnreachedCells), shot, ws.Old, ws.Current, record, null);

    /// <summary>
    /// Models one shot into <paramref name="record"/> (time samples x receivers), using <paramref name="old"/> and
    /// <paramref name="current"/> (each <see cref="FieldLayout.Length"/> floats) as the two wavefields. With
    /// <paramref name="checkpoints"/>, hands it the pair (p_{it-1}, p_it) at the start of every step it that is a multiple of
    /// its (even) interval, for the adjoint's recomputation.
    /// </summary>
    internal unsafe void RunShot(PreparedModel model, ShotGeometry geo, int shot, float[] old, float[] current, Span<float> record,
                                 IWavefieldCheckpoints? checkpoints)
    {
        // Every shot runs with denormals flushed (the issue measured 2.6x on an Intel Xeon; see FlushDenormals) and leaves
        // the thread's mode as it found it: the caller's thread runs shots too, and pool threads are shared.
        using var _ = FlushDenormals.Enter();
        ShotStarting?.Invoke();
        var acq = Acquisition;
        int nzp = model.Nzp, nt = acq.TimeSamples, sr = geo.SourceRow, source = geo.Source;
        float scale = model.SourceScale[shot];
        var layout = geo.Layout;
        var recvIndex = geo.Receivers;
        int nrec = recvIndex.Length;
        int interval = checkpoints?.Interval ?? 1;

        Array.Clear(old);
        Array.Clear(current);
        fixed (float* alphaRows = model.AlphaRows, kappaCols = model.KappaCols, interior = model.InteriorCols, kappaRows = model.KappaRows)
        fixed (float* bufA = old, bufB = current)
        {
            var k = new Coefficients(alphaRows, kappaCols, interior, kappaRows, acq.ModelDepth, acq.BoundaryCells, model.Nxp);
            float* a = bufA, b = bufB;
            for (int it = 0; it < nt; it += 2)
            {
                if (checkpoints is not null && it % interval == 0) checkpoints.Save(it, new ReadOnlySpan<float>(a, layout.Length), new ReadOnlySpan<float>(b, layout.Length));
                bool pair = it + 1 < nt;
                var rows = new SourceRows(k, layout, sr, source, scale * (float)_wavelet[it], pair ? scale * (float)_wavelet[it + 1] : 0);
                TwoStepSweep.Run(ref rows, a, b, geo, geo.Box(it), pair ? geo.Box(it + 1) : null);
                var line0 = record.Slice(it * nrec, nrec);
                for (int g = 0; g < nrec; g++) line0[g] = a[recvIndex[g]];
                if (pair)
                {
                    var line1 = record.Slice((it + 1) * nrec, nrec);
                    for (int g = 0; g < nrec; g++) line1[g] = b[recvIndex[g]];
                }
                if (!pair)
                {
                    float* t = a; a = b; b = t;
                }
            }
        }
    }

    /// <summary>The forward step of a row, with the source added after its row's update.</summary>
    private readonly unsafe struct SourceRows(Coefficients k, FieldLayout layout, int sourceRow, int source, float first, float second) : ISweepRow
    {
        public void Row(bool secondStep, float* next, float* cur, int r, in CellBox box)
        {
            WaveKernel.StepRow(next, cur, next, k, layout, r, box.C0, box.C1);
            if (r == sourceRow) next[source] += secondStep ? second : first;
        }
    }

    /// <summary>The source wavelet, one value per time step (unscaled).</summary>
    internal ReadOnlySpan<double> Wavelet => _wavelet;

    private sealed class Workspace(AcquisitionOptions acq)
    {
        private static int Length(AcquisitionOptions acq) =>
            FieldLayout.Of(acq).Length;

        public float[] Old { get; } = new float[Length(acq)];
        public float[] Current { get; } = new float[Length(acq)];
    }
}

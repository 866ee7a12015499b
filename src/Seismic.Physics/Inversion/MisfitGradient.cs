using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Seismic.Physics.Acquisition;
using Seismic.Physics.Propagation;

namespace Seismic.Physics.Inversion;

/// <summary>
/// The seismogram misfit of a velocity model and its exact gradient with respect to every cell's velocity, by the
/// adjoint-state method on the OpenFWI-exact propagator (<see cref="AcousticPropagator"/>: same stencil, sponge, wrap,
/// source injection, receivers and skipped cells). The misfit is <c>J = ||d(v) - d_obs||^2 / (2 ||d_obs||^2)</c>, half the
/// squared relative L2 misfit that <see cref="Misfit.DataMisfit"/> reports. Parallel over shots; thread-safe.
/// </summary>
/// <remarks>
/// <para>What is differentiated: alpha = (v dt/dx)^2 in every padded cell (the padding replicates the edge cells, so an edge
/// cell collects the gradient of its whole strip) and each shot's source scale (v_s dt)^2. What is held fixed: the sponge,
/// whose strength OpenFWI scales with the model's minimum velocity, a non-smooth function (flat layers tie at the
/// minimum). <c>spongeVelocity</c> fixes it; refinement holds it at the starting model's minimum (docs/refinement.md).</para>
/// <para>Memory: the adjoint runs backward in time and needs the forward wavefields in reverse order. Storing all of them
/// would take 1000 x 414 KB per shot; instead the forward keeps a pair every <see cref="CheckpointInterval"/> steps and
/// each interval is recomputed once before its adjoint steps (Griewank's checkpointing, one level): about 40 MB per
/// thread with the defaults (<see cref="BytesPerThread"/>). Cost: the forward, its recomputation, and the adjoint with the
/// gradient's Laplacian fused into it.</para>
/// </remarks>
public sealed class MisfitGradient
{
    private readonly AcousticPropagator _propagator;
    private readonly ConcurrentBag<ShotWork> _pool = [];

    /// <summary>Creates a gradient evaluator.</summary>
    /// <param name="acquisition">Geometry and discretisation; the default is <see cref="AcquisitionOptions.OpenFwi"/>.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use (over shots); -1 (the default) uses all cores.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegreeOfParallelism"/> is 0 or below -1, or an acquisition value is out of range.</exception>
    public MisfitGradient(AcquisitionOptions? acquisition = null, int maxDegreeOfParallelism = -1)
    {
        _propagator = new AcousticPropagator(acquisition, maxDegreeOfParallelism);
        var acq = _propagator.Acquisition;
        // One level of checkpoints: nt/K pairs plus K recomputed fields is smallest near K = sqrt(2 nt); even, because the
        // forward advances two steps per sweep.
        CheckpointInterval = Math.Max(2, 2 * (int)Math.Round(Math.Sqrt(2.0 * acq.TimeSamples) / 2));
        int fields = 2 + 2 * Checkpoints(acq.TimeSamples, CheckpointInterval) + CheckpointInterval + 3;
        BytesPerThread = (long)fields * FieldLayout.Of(acq).Length * sizeof(float) + (long)acq.TimeSamples * acq.ReceiverCount * sizeof(float);
    }

    /// <summary>The acquisition modelled.</summary>
    public AcquisitionOptions Acquisition => _propagator.Acquisition;

    /// <summary>Threads used; -1 means all cores.</summary>
    public int MaxDegreeOfParallelism => _propagator.MaxDegreeOfParallelism;

    /// <summary>Time steps between two stored forward wavefield pairs.</summary>
    public int CheckpointInterval { get; }

    /// <summary>
    /// Working memory per thread in bytes (each thread keeps its own; they are reused between calls); asking for the
    /// illumination adds one wavefield.
    /// </summary>
    public long BytesPerThread { get; }

    /// <summary>Evaluates the misfit of <paramref name="velocity"/> against <paramref name="observed"/> and its gradient.</summary>
    /// <param name="velocity">Velocities in m/s, (depth, width) row-major; validated like <see cref="AcousticPropagator.Forward(ReadOnlyMemory{float}, CancellationToken)"/>.</param>
    /// <param name="observed">Observed data, (shots, time samples, receivers), raw amplitudes; not all zero.</param>
    /// <param name="gradient">Receives dJ/dv for every cell, per m/s (same layout as <paramref name="velocity"/>).</param>
    /// <param name="spongeVelocity">The velocity that scales the sponge, held fixed; null uses the model's minimum (OpenFWI's
    /// choice), still not differentiated.</param>
    /// <param name="cancellationToken">Cancels between shots.</param>
    /// <returns>J = ||d(v) - d_obs||^2 / (2 ||d_obs||^2).</returns>
    /// <exception cref="ArgumentException">Wrong lengths, an invalid velocity, or observed data that are all zero.</exception>
    public double Evaluate(ReadOnlyMemory<float> velocity, ReadOnlyMemory<float> observed, Span<double> gradient,
                           double? spongeVelocity = null, CancellationToken cancellationToken = default) =>
        Evaluate(velocity, observed, gradient, default, spongeVelocity, cancellationToken);

    /// <summary>
    /// <see cref="Evaluate(ReadOnlyMemory{float}, ReadOnlyMemory{float}, Span{double}, double?, CancellationToken)"/>, also
    /// returning how strongly the sources illuminate each cell: the diagonal pseudo-Hessian
    /// <c>sum over shots and steps of (alpha lap u)^2</c> (Shin et al. 2001), folded into the model cells like the gradient.
    /// Dividing the gradient by it compensates the geometric spreading that makes deep cells' gradients weak (about 15 %
    /// more time).
    /// </summary>
    /// <param name="velocity">Velocities in m/s, (depth, width).</param>
    /// <param name="observed">Observed data, (shots, time samples, receivers); not all zero.</param>
    /// <param name="gradient">Receives dJ/dv per m/s.</param>
    /// <param name="illumination">Receives the pseudo-Hessian diagonal per model cell; empty to skip it.</param>
    /// <param name="spongeVelocity">The velocity that scales the sponge, held fixed; null uses the model's minimum.</param>
    /// <param name="cancellationToken">Cancels between shots.</param>
    /// <returns>J = ||d(v) - d_obs||^2 / (2 ||d_obs||^2).</returns>
    /// <exception cref="ArgumentException">Wrong lengths, an invalid velocity, or observed data that are all zero.</exception>
    public double Evaluate(ReadOnlyMemory<float> velocity, ReadOnlyMemory<float> observed, Span<double> gradient, Span<double> illumination,
                           double? spongeVelocity = null, CancellationToken cancellationToken = default)
    {
        var acq = Acquisition;
        if (gradient.Length != acq.ModelSize)
            throw new ArgumentException($"gradient has {gradient.Length} values, expected {acq.ModelDepth} x {acq.ModelWidth} = {acq.ModelSize}.", nameof(gradient));
        if (!illumination.IsEmpty && illumination.Length != acq.ModelSize)
            throw new ArgumentException($"illumination has {illumination.Length} values, expected {acq.ModelSize} or none.", nameof(illumination));
        bool illuminate = !illumination.IsEmpty;
        double energy = Check(velocity.Span, observed.Span, spongeVelocity);
        var model = PreparedModel.Create(velocity.Span, acq, spongeVelocity);
        // Per-shot results, summed in shot order afterwards: the result does not depend on which thread ran which shot.
        var shotMisfit = new double[acq.ShotCount];
        var shotGradient = new double[acq.ShotCount][];
        var shotIllumination = new double[acq.ShotCount][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        int perShot = acq.TimeSamples * acq.ReceiverCount;
        Parallel.For(0, acq.ShotCount, options, Rent, (shot, _, work) =>
        {
            shotGradient[shot] = new double[acq.ModelSize];
            shotIllumination[shot] = illuminate ? new double[acq.ModelSize] : [];
            shotMisfit[shot] = Shot(model, shot, observed.Span.Slice(shot * perShot, perShot), 1 / energy, work, shotGradient[shot], shotIllumination[shot]);
            return work;
        }, _pool.Add);

        // dJ/dalpha = G / alpha per padded cell and dalpha/dv = 2 alpha / v, so each model cell gets 2 G / v summed over the
        // padded cells that replicate it; the source terms were converted already.
        var v = velocity.Span;
        gradient.Clear();
        foreach (var g in shotGradient)
            for (int i = 0; i < gradient.Length; i++) gradient[i] += g[i];
        for (int i = 0; i < gradient.Length; i++) gradient[i] *= 2 / (double)v[i];
        if (illuminate)
        {
            illumination.Clear();
            foreach (var e in shotIllumination)
                for (int i = 0; i < illumination.Length; i++) illumination[i] += e[i];
            for (int i = 0; i < illumination.Length; i++)
            {
                double courant = v[i] * acq.Dt / acq.Dx; // alpha^2 = courant^4
                illumination[i] *= courant * courant * courant * courant;
            }
        }
        return shotMisfit.Sum();
    }

    /// <summary>The misfit J alone (one forward run, no gradient): what a line search needs to try a step.</summary>
    /// <param name="velocity">Velocities in m/s, (depth, width).</param>
    /// <param name="observed">Observed data, (shots, time samples, receivers); not all zero.</param>
    /// <param name="spongeVelocity">The velocity that scales the sponge; null uses the model's minimum.</param>
    /// <param name="cancellationToken">Cancels between shots.</param>
    /// <returns>J = ||d(v) - d_obs||^2 / (2 ||d_obs||^2), exactly as <c>Evaluate</c> computes it.</returns>
    /// <exception cref="ArgumentException">Wrong lengths, an invalid velocity, or observed data that are all zero.</exception>
    public double Misfit(ReadOnlyMemory<float> velocity, ReadOnlyMemory<float> observed, double? spongeVelocity = null,
                         CancellationToken cancellationToken = default)
    {
        var acq = Acquisition;
        double energy = Check(velocity.Span, observed.Span, spongeVelocity);
        var model = PreparedModel.Create(velocity.Span, acq, spongeVelocity);
        var perShotMisfit = new double[acq.ShotCount];
        int perShot = acq.TimeSamples * acq.ReceiverCount;
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, acq.ShotCount, options, Rent, (shot, _, work) =>
        {
            var geo = new ShotGeometry(acq, shot, _propagator.SkipUnreachedCells);
            _propagator.RunShot(model, geo, shot, work.Old, work.Current, work.Record, null);
            perShotMisfit[shot] = Residuals(work.Record, observed.Span.Slice(shot * perShot, perShot), 1 / energy);
            return work;
        }, _pool.Add);
        return perShotMisfit.Sum();
    }

    // Validates the inputs once and returns ||d_obs||^2.
    private double Check(ReadOnlySpan<float> velocity, ReadOnlySpan<float> observed, double? spongeVelocity)
    {
        var acq = Acquisition;
        AcousticPropagator.ValidateVelocities(velocity, 1, acq);
        if (observed.Length != acq.SeismicSize)
            throw new ArgumentException($"observed data has {observed.Length} values, expected ({string.Join(", ", acq.SeismicShape)}) = {acq.SeismicSize}.", nameof(observed));
        if (spongeVelocity is { } sv && !(double.IsFinite(sv) && sv > 0))
            throw new ArgumentOutOfRangeException(nameof(spongeVelocity), sv, "spongeVelocity must be a positive number of m/s.");
        double energy = 0;
        foreach (float x in observed) energy += (double)x * x;
        if (!(energy > 0)) throw new ArgumentException("observed data are all zero: the relative misfit is undefined.", nameof(observed));
        return energy;
    }

    // Turns a shot's record into dJ/dd = (d - d_obs) / ||d_obs||^2 in place and returns its part of J.
    private static double Residuals(float[] record, ReadOnlySpan<float> observed, double norm)
    {
        double misfit = 0;
        for (int i = 0; i < record.Length; i++)
        {
            double r = record[i] - (double)observed[i];
            misfit += r * r;
            record[i] = (float)(r * norm);
        }
        return 0.5 * norm * misfit;
    }

    private ShotWork Rent() => _pool.TryTake(out var w) ? w : new ShotWork(Acquisition, CheckpointInterval);

    /// <summary>
    /// One shot: forward with checkpoints, residuals, then for each checkpoint interval from the last: recompute its
    /// wavefields, step the adjoint back through it and accumulate <c>nu lap(u)</c>. Adds to <paramref name="gradient"/> sums
    /// whose <c>2 sum / v</c> is dJ/dv (the source term is scaled to match). Returns the shot's part of J.
    /// </summary>
    /// <remarks>
    /// The discrete adjoint. The forward is <c>u[n+1] = (2 - kappa) u[n] - (1 - kappa) u[n-1] + alpha L u[n] + s[n]</c>,
    /// recording <c>R u[n+1]</c>; L is the periodic 4th-order Laplacian, symmetric. Its multipliers obey
    /// <c>mu[n] = (2 - kappa) mu[n+1] - (1 - kappa) mu[n+2] + L (alpha mu[n+1]) + R^T r[n]</c>; with <c>nu = alpha mu</c> this
    /// is the forward step itself (alpha and kappa are diagonal) with the residuals injected at the receivers scaled by alpha,
    /// so the same kernel runs it. Then <c>dJ/dalpha = sum_n mu[n] L u[n] = (sum_n nu[n] L u[n]) / alpha</c> and
    /// <c>dJ/dscale = sum_n mu[n](source) w[n]</c>.
    /// </remarks>
    private unsafe double Shot(PreparedModel model, int shot, ReadOnlySpan<float> observed, double norm, ShotWork w, double[] gradient, double[] illumination)
    {
        var acq = Acquisition;
        var geo = new ShotGeometry(acq, shot, _propagator.SkipUnreachedCells);
        int nt = acq.TimeSamples, nrec = geo.Receivers.Length, interval = CheckpointInterval;
        _propagator.RunShot(model, geo, shot, w.Old, w.Current, w.Record, w);

        double misfit = Residuals(w.Record, observed, norm);

        using var _ = FlushDenormals.Enter();
        var layout = geo.Layout;
        var wavelet = _propagator.Wavelet;
        int nbc = acq.BoundaryCells, nz = acq.ModelDepth, nx = acq.ModelWidth, sr = geo.SourceRow, source = geo.Source;
        float scale = model.SourceScale[shot];
        var recvAlpha = new float[nrec];
        for (int g = 0; g < nrec; g++)
        {
            var p = acq.Receivers[g];
            recvAlpha[g] = model.AlphaRows[p.Z * model.Nxp + p.X + nbc];
        }
        double sourceSum = 0;
        Array.Clear(w.NuA);
        Array.Clear(w.NuB);
        fixed (float* alphaRows = model.AlphaRows, kappaCols = model.KappaCols, interior = model.InteriorCols, kappaRows = model.KappaRows)
        fixed (float* residual = w.Record)
        {
            var k = new Coefficients(alphaRows, kappaCols, interior, kappaRows, nz, nbc, model.Nxp);
            float* sum = Pointer(w.Sum), energy = illumination.Length > 0 ? Pointer(w.Energy) : null;
            // nu[n] is written over nu[n+2] (in place, as the forward): nuNext holds the older field, nuCur nu[n+1].
            float* nuNext = Pointer(w.NuA), nuCur = Pointer(w.NuB);
            for (int j = (nt - 1) / interval; j >= 0; j--)
            {
                int n0 = j * interval, n1 = Math.Min(nt, n0 + interval);
                float* Lap(int n) => Pointer(w.Laplacians[n - n0]);
                // Recompute the interval from its checkpoint, in place as the forward does (the checkpoint is not needed
                // again), keeping lap(u[n]) of every step for the gradient term.
                float* a = Pointer(w.PreviousCheckpoints[j]), b = Pointer(w.CurrentCheckpoints[j]);
                for (int n = n0; n < n1; n += 2)
                {
                    bool pair = n + 1 < n1;
                    var rows = new RecomputedRows(k, layout, sr, source, scale * (float)wavelet[n], pair ? scale * (float)wavelet[n + 1] : 0,
                                                  Lap(n), pair ? Lap(n + 1) : null, energy);
                    TwoStepSweep.Run(ref rows, a, b, geo, geo.Box(n), pair ? geo.Box(n + 1) : null);
                    if (!pair) { float* t = a; a = b; b = t; }
                }

                // Adjoint steps n1-1 .. n0, two per sweep, each fused with its gradient term nu[n] lap(u[n]).
                Array.Clear(w.Sum);
                for (int n = n1 - 1; n >= n0; n -= 2)
                {
                    bool pair = n - 1 >= n0;
                    var rows = new AdjointRows(k, geo, recvAlpha, residual, n, Lap(n), pair ? Lap(n - 1) : null, sum);
                    TwoStepSweep.Run(ref rows, nuNext, nuCur, geo, geo.Box(n), pair ? geo.Box(n - 1) : null);
                    if (geo.Box(n).Contains(sr, geo.SourceColumn)) sourceSum += nuNext[source] * wavelet[n];
                    if (pair && geo.Box(n - 1).Contains(sr, geo.SourceColumn)) sourceSum += nuCur[source] * wavelet[n - 1];
                    if (!pair) { float* t = nuNext; nuNext = nuCur; nuCur = t; }
                }
                FoldIntoModel(w.Sum, gradient, layout, nz, nx, nbc);
                if (illumination.Length > 0)
                {
                    FoldIntoModel(w.Energy, illumination, layout, nz, nx, nbc);
                    Array.Clear(w.Energy);
                }
            }
        }
        // dJ/dv_s = (sum nu w / alpha_s) 2 v_s dt^2 = (sum nu w) 2 dx^2 / v_s; stored as G with dJ/dv = 2 G / v.
        var src = acq.Sources[shot];
        gradient[src.Z * nx + src.X] += sourceSum * acq.Dx * acq.Dx;
        return misfit;
    }

    private static unsafe float* Pointer(float[] pinned) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

    /// <summary>A recomputed forward step of a row, keeping its Laplacian (and its square, for the illumination).</summary>
    private readonly unsafe struct RecomputedRows(Coefficients k, FieldLayout layout, int sourceRow, int source, float first, float second,
                                                  float* lapFirst, float* lapSecond, float* energy) : ISweepRow
    {
        public void Row(bool secondStep, float* next, float* cur, int r, in CellBox box)
        {
            float* lap = secondStep ? lapSecond : lapFirst;
            WaveKernel.StepRowKeepingLaplacian(next, cur, lap, k, layout, r, box.C0, box.C1);
            if (energy != null) WaveKernel.AccumulateSquares(energy, lap, layout, r, box.C0, box.C1);
            if (r == sourceRow) next[source] += secondStep ? second : first;
        }
    }

    /// <summary>An adjoint step of a row (steps n, then n - 1) fused with its gradient term, then the residuals injected at the row's receivers.</summary>
    private readonly unsafe struct AdjointRows(Coefficients k, ShotGeometry geo, float[] receiverAlpha, float* residual, int step,
                                               float* lapFirst, float* lapSecond, float* sum) : ISweepRow
    {
        public void Row(bool secondStep, float* next, float* cur, int r, in CellBox box)
        {
            var layout = geo.Layout;
            float* lap = secondStep ? lapSecond : lapFirst;
            int n = secondStep ? step - 1 : step, nrec = geo.Receivers.Length;
            WaveKernel.StepRowAccumulating(next, cur, lap, sum, k, layout, r, box.C0, box.C1);
            // The residuals enter at the receivers after the row's update, as the source does in the forward.
            for (int q = geo.RowReceiverStart[r]; q < geo.RowReceiverStart[r + 1]; q++)
            {
                int g = geo.ReceiversByRow[q];
                int at = geo.Receivers[g], c = at - layout.Index(r, 0);
                if (c < box.C0 || c > box.C1) continue;
                float injected = receiverAlpha[g] * residual[n * nrec + g];
                next[at] += injected;
                sum[at] += injected * lap[at];
            }
        }
    }

    // Adds every padded cell's sum to the model cell it replicates.
    private static void FoldIntoModel(float[] sum, double[] gradient, in FieldLayout layout, int nz, int nx, int nbc)
    {
        for (int r = 0; r < layout.Nzp; r++)
        {
            int z = Math.Clamp(r - nbc, 0, nz - 1);
            int rowAt = layout.Index(r, 0);
            for (int c = 0; c < layout.Nxp; c++)
            {
                float s = sum[rowAt + c];
                if (s != 0) gradient[z * nx + Math.Clamp(c - nbc, 0, nx - 1)] += s;
            }
        }
    }

    private static int Checkpoints(int nt, int interval) => (nt + interval - 1) / interval;

    /// <summary>One thread's buffers: the forward's two fields, the checkpoints, the Laplacians of one recomputed interval,
    /// the adjoint's two fields, the gradient's running sum, and the shot's record (then its residuals).</summary>
    private sealed class ShotWork : IWavefieldCheckpoints
    {
        public ShotWork(AcquisitionOptions acq, int interval)
        {
            int length = FieldLayout.Of(acq).Length, count = Checkpoints(acq.TimeSamples, interval);
            // Pinned: the kernels take their addresses for the whole shot.
            float[] Field() => GC.AllocateArray<float>(length, pinned: true);
            Interval = interval;
            Old = Field(); Current = Field(); NuA = Field(); NuB = Field(); Sum = Field();
            PreviousCheckpoints = [.. Enumerable.Range(0, count).Select(_ => Field())];
            CurrentCheckpoints = [.. Enumerable.Range(0, count).Select(_ => Field())];
            Laplacians = [.. Enumerable.Range(0, interval).Select(_ => Field())];
            Record = new float[acq.TimeSamples * acq.ReceiverCount];
        }

        public int Interval { get; }
        public float[] Old { get; }
        public float[] Current { get; }
        public float[] NuA { get; }
        public float[] NuB { get; }
        public float[] Sum { get; }

        /// <summary>The illumination's running sum, allocated when first asked for.</summary>
        public float[] Energy => field ??= GC.AllocateArray<float>(Sum.Length, pinned: true);
        public float[][] PreviousCheckpoints { get; }
        public float[][] CurrentCheckpoints { get; }
        public float[][] Laplacians { get; }
        public float[] Record { get; }

        public void Save(int step, ReadOnlySpan<float> previous, ReadOnlySpan<float> current)
        {
            previous.CopyTo(PreviousCheckpoints[step / Interval]);
            current.CopyTo(CurrentCheckpoints[step / Interval]);
        }
    }
}

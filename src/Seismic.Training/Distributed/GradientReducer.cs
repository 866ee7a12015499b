using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seismic.Training.Distributed;

/// <summary>
/// Keeps the parameters of one module identical across the ranks of a data-parallel job:
/// <see cref="BroadcastParameters"/> copies one rank's weights to all, <see cref="AllReduceGradients"/> sums the
/// gradients of all ranks in place. Both work in buckets: the parameters are laid end to end in flat buffers of
/// <see cref="GradientReducerOptions.BucketBytes"/> (float32; float64 for float64 parameters), one collective call per
/// bucket instead of one per tensor. Gradients are summed, not averaged: scaling is the trainer's choice.
/// The gradient buckets are allocated once and kept until <see cref="Dispose"/>.
/// </summary>
internal sealed class GradientReducer : IDisposable
{
    private readonly IBucketCollectives _collectives;
    private readonly Stream[] _weights;
    private readonly Stream[] _gradients;

    /// <summary>Reduces <paramref name="module"/>'s parameters over <paramref name="group"/> through host memory.</summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public GradientReducer(nn.Module module, IProcessGroup group, GradientReducerOptions? options = null)
        : this(module, new HostBucketCollectives(group), options) { }

    /// <summary>Reduces <paramref name="module"/>'s parameters with <paramref name="collectives"/> (the seam for a device-side backend such as NCCL).</summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public GradientReducer(nn.Module module, IBucketCollectives collectives, GradientReducerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        _collectives = collectives ?? throw new ArgumentNullException(nameof(collectives));
        options ??= new GradientReducerOptions();
        options.Validate();
        var all = module.named_parameters().ToArray();
        _weights = Stream.Split(all, options.BucketBytes, withPresence: false);
        _gradients = Stream.Split(all.Where(p => p.Item2.requires_grad).ToArray(), options.BucketBytes, withPresence: true);
    }

    /// <summary>The process group the buckets are exchanged over.</summary>
    public IProcessGroup Group => _collectives.Group;

    /// <summary>The number of elements of each gradient bucket (one all-reduce call each per <see cref="AllReduceGradients"/>).</summary>
    public IReadOnlyList<long> GradientBucketLengths => _gradients.SelectMany(s => s.Plan.BucketLengths).ToArray();

    /// <summary>
    /// Overwrites every parameter (trainable or not) with rank <paramref name="root"/>'s values, bit for bit. A collective:
    /// every rank calls it, with the same module structure. Call it once after building the model and before training.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank of the group.</exception>
    public void BroadcastParameters(int root = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Group.Size);
        if (!Group.IsDistributed) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var stream in _weights)
        {
            var flats = stream.Parameters.Select(p => Flat(p.Name, p.Parameter)).ToArray();
            foreach (var (pieces, length) in stream.Plan.Buckets.Zip(stream.Plan.BucketLengths))
            {
                var bucket = empty(length, stream.Type, stream.Device);
                if (Group.Rank == root) foreach (var piece in pieces) Slice(bucket, piece).copy_(Part(flats[piece.Entry], piece));
                _collectives.Broadcast(bucket, root);
                if (Group.Rank != root) foreach (var piece in pieces) Part(flats[piece.Entry], piece).copy_(Slice(bucket, piece));
            }
        }
    }

    /// <summary>
    /// Replaces the gradient of every trainable parameter by its sum over all ranks. A parameter without a gradient counts
    /// as zeros: if any rank has a gradient for it, every rank ends with the sum (a new gradient where it had none); if no
    /// rank has one, it stays without on every rank (so the optimiser skips it everywhere, as in one process). A
    /// collective: every rank calls it after its backward pass.
    /// </summary>
    /// <exception cref="InvalidOperationException">A gradient is not contiguous.</exception>
    public void AllReduceGradients()
    {
        if (!Group.IsDistributed) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var stream in _gradients)
        {
            var parameters = stream.Parameters;
            // Entry 0 of a gradient stream is the presence vector: 1 where this rank has a gradient; summed, it says who had one.
            var grads = parameters.Select(p => p.Parameter.grad).ToArray();
            var presence = tensor(grads.Select(g => g is null ? 0.0f : 1.0f).ToArray(), stream.Type, stream.Device);
            var sources = grads.Select((g, i) => g is null ? null : Flat(parameters[i].Name, g)).Prepend(presence).ToArray();
            float[]? total = null;
            var targets = new Tensor?[sources.Length];
            targets[0] = presence;

            var buckets = stream.GradientBuckets();
            for (int b = 0; b < buckets.Length; b++)
            {
                var bucket = buckets[b];
                var pieces = stream.Plan.Buckets[b];
                foreach (var piece in pieces)
                {
                    if (sources[piece.Entry] is { } source) Slice(bucket, piece).copy_(Part(source, piece));
                    else Slice(bucket, piece).zero_();
                }
                _collectives.AllReduceSum(bucket);
                foreach (var piece in pieces)
                {
                    // Pieces come in stream order, so the presence vector is complete before the first gradient piece.
                    if (piece.Entry > 0 && total is null) total = presence.to(ScalarType.Float32).cpu().data<float>().ToArray();
                    if (TargetOf(piece.Entry) is { } target) Part(target, piece).copy_(Slice(bucket, piece));
                }
            }

            Tensor? TargetOf(int entry)
            {
                if (targets[entry] is { } known) return known;
                if (total![entry - 1] == 0) return null; // no rank has a gradient: leave it absent
                var (name, parameter) = parameters[entry - 1];
                parameter.grad ??= zeros_like(parameter);
                return targets[entry] = Flat(name, parameter.grad);
            }
        }
    }

    /// <summary>Frees the gradient buckets.</summary>
    public void Dispose()
    {
        foreach (var stream in _gradients) stream.Dispose();
    }

    private static Tensor Flat(string name, Tensor t) =>
        t.is_contiguous() ? t.view(-1) : throw new InvalidOperationException($"parameter {name}: a non-contiguous tensor ({string.Join(", ", t.stride())} strides) cannot be reduced in buckets");

    private static Tensor Slice(Tensor bucket, BucketPiece piece) => bucket.narrow(0, piece.BucketOffset, piece.Length);

    private static Tensor Part(Tensor flat, BucketPiece piece) => flat.narrow(0, piece.EntryOffset, piece.Length);

    /// <summary>The parameters that share a device and a reduction type, with their bucket plan.</summary>
    private sealed class Stream : IDisposable
    {
        private Tensor[]? _buckets;

        private Stream(Device device, ScalarType type, (string Name, Parameter Parameter)[] parameters, long bucketBytes, bool withPresence)
        {
            Device = device;
            Type = type;
            Parameters = parameters;
            var lengths = parameters.Select(p => p.Parameter.numel()).ToList();
            if (withPresence) lengths.Insert(0, parameters.Length);
            Plan = new BucketPlan(lengths, Math.Max(1, bucketBytes / (type == ScalarType.Float64 ? 8 : 4)));
        }

        public Device Device { get; }

        public ScalarType Type { get; }

        public (string Name, Parameter Parameter)[] Parameters { get; }

        public BucketPlan Plan { get; }

        /// <summary>Groups parameters by device and reduction type (float64 stays float64, every other type goes through float32), in first-seen order.</summary>
        public static Stream[] Split((string, Parameter)[] parameters, long bucketBytes, bool withPresence) =>
            parameters
                .GroupBy(p => (p.Item2.device.ToString(), p.Item2.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32))
                .Select(g => new Stream(g.First().Item2.device, g.Key.Item2, g.ToArray(), bucketBytes, withPresence))
                .ToArray();

        /// <summary>The persistent buckets, allocated on first use outside any dispose scope.</summary>
        public Tensor[] GradientBuckets() =>
            _buckets ??= Plan.BucketLengths.Select(n => empty(n, Type, Device).DetachFromDisposeScope()).ToArray();

        public void Dispose()
        {
            foreach (var bucket in _buckets ?? []) bucket.Dispose();
            _buckets = null;
        }
    }
}

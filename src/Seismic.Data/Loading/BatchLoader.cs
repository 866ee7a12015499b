using System.Collections;
using System.Threading.Channels;

namespace Seismic.Data.Loading;

/// <summary>
/// Groups a <see cref="SeismicDataset"/>'s samples into <see cref="SampleBatch"/>es: seeded shuffling, drop-last,
/// an endless mode for training and background prefetching. Enumerate it (<c>foreach</c>) to get batches; each
/// enumeration starts again from the seed, so two enumerations give identical batches. Enumerations are independent;
/// stop one early by disposing its enumerator (a <c>foreach</c> <c>break</c> does that).
/// </summary>
public sealed class BatchLoader : IEnumerable<SampleBatch>
{
    private readonly SeismicDataset _dataset;
    private readonly ArrayRecycler _recycler;

    /// <summary>Creates a loader over <paramref name="dataset"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public BatchLoader(SeismicDataset dataset, BatchLoaderOptions options)
    {
        _dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        _recycler = new ArrayRecycler(options.PrefetchBatches + 2);
    }

    /// <summary>The options in use.</summary>
    public BatchLoaderOptions Options { get; }

    /// <summary>Batches in one epoch (finite mode), taking <see cref="BatchLoaderOptions.DropLast"/> into account.</summary>
    public int BatchesPerEpoch => Options.DropLast
        ? _dataset.Count / Options.BatchSize
        : (_dataset.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The index batches in order, without reading any sample (what enumeration will load).</summary>
    public IEnumerable<(int[] Indices, long Epoch)> IndexBatches()
    {
        var random = new Random(ShuffleSeed(Options.Seed));
        int n = _dataset.Count, b = Options.BatchSize;
        var order = new int[n];
        long epoch = 0;
        NewEpoch();
        int pos = 0;
        while (true)
        {
            if (!Options.Endless)
            {
                int take = Math.Min(b, n - pos);
                if (take == 0 || (take < b && Options.DropLast)) yield break;
                yield return (order[pos..(pos + take)], epoch);
                pos += take;
                continue;
            }
            var batch = new int[b];
            long batchEpoch = -1;
            for (int i = 0; i < b; i++)
            {
                if (pos == n)
                {
                    epoch++;
                    NewEpoch();
                    pos = 0;
                }
                if (i == 0) batchEpoch = epoch;
                batch[i] = order[pos++];
            }
            yield return (batch, batchEpoch);
        }

        void NewEpoch()
        {
            for (int i = 0; i < n; i++) order[i] = i;
            if (Options.Shuffle) random.Shuffle(order);
        }
    }

    /// <inheritdoc />
    public IEnumerator<SampleBatch> GetEnumerator() =>
        Options.PrefetchBatches == 0 ? IndexBatches().Select(Load).GetEnumerator() : Prefetched();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Reads the samples of one index batch (arrays reused from disposed batches when available).</summary>
    public SampleBatch Load(int[] indices, long epoch)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var batch = new SampleBatch(indices, _dataset.ImageSize, _dataset.SeismicChannels, epoch, _recycler);
        int v = _dataset.VelocityLength, s = _dataset.SeismicLength;
        Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = Options.ReaderThreads },
            i => _dataset.ReadSample(indices[i], batch.Velocity.AsSpan(i * v, v), batch.Seismic.AsSpan(i * s, s)));
        return batch;
    }

    private SampleBatch Load((int[] Indices, long Epoch) b) => Load(b.Indices, b.Epoch);

    // System.Random takes a 31-bit seed: seeds that fit keep the orders of the int-seeded loader (resumed runs see the
    // same batches); larger ones are mixed down to 31 bits.
    private static int ShuffleSeed(Seed seed) =>
        seed.Value <= int.MaxValue ? (int)seed.Value : (int)(seed.Derive(0).Value & int.MaxValue);

    private IEnumerator<SampleBatch> Prefetched()
    {
        var channel = Channel.CreateBounded<SampleBatch>(new BoundedChannelOptions(Options.PrefetchBatches)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var b in IndexBatches())
                {
                    stop.Token.ThrowIfCancellationRequested();
                    await channel.Writer.WriteAsync(Load(b), stop.Token).ConfigureAwait(false);
                }
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                // Cancellation means the consumer stopped; anything else is handed to the consumer.
                channel.Writer.TryComplete(e is OperationCanceledException && stop.IsCancellationRequested ? null : e);
            }
        });
        try
        {
            var reader = channel.Reader;
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                while (reader.TryRead(out var batch))
                    yield return batch;
        }
        finally
        {
            stop.Cancel();
            try { producer.Wait(); } catch (AggregateException) { }
        }
    }
}

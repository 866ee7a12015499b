namespace Seismic.Physics.Propagation;

/// <summary>Receives a shot's wavefield pairs during the forward run (the adjoint recomputes from them).</summary>
internal interface IWavefieldCheckpoints
{
    /// <summary>Steps between two checkpoints; even (the forward advances two steps per sweep).</summary>
    int Interval { get; }

    /// <summary>Keeps <c>p_{step-1}</c> and <c>p_step</c> (whole wavefields in <see cref="FieldLayout"/>; halos may be stale).</summary>
    void Save(int step, ReadOnlySpan<float> previous, ReadOnlySpan<float> current);
}

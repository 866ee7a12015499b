namespace Seismic.Data.Cache;

/// <summary>Progress of a cache build.</summary>
/// <param name="CacheDirectory">The cache being built.</param>
/// <param name="Done">Samples written so far.</param>
/// <param name="Total">Samples to write.</param>
/// <param name="Elapsed">Time since the build started.</param>
public readonly record struct CacheBuildProgress(string CacheDirectory, int Done, int Total, TimeSpan Elapsed)
{
    /// <summary>Fraction done in [0, 1].</summary>
    public double Fraction => Total == 0 ? 1 : (double)Done / Total;
}

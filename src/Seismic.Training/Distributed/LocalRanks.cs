using System.IO.Hashing;
using System.Text;

namespace Seismic.Training.Distributed;

/// <summary>Local rank and size computed from host names, for launchers that do not set them.</summary>
internal static class LocalRanks
{
    /// <summary>
    /// Every rank puts a hash of its host name in its own slot of a vector; one all-reduce gives every rank all hashes.
    /// The local rank is the number of lower ranks on the same host. A collective: every rank must call it.
    /// </summary>
    public static (int Rank, int Size) Compute(IProcessGroup group, string hostName)
    {
        // A 32-bit hash is exact in a double; XxHash32 is the same in every process (string.GetHashCode is not).
        var hashes = new double[group.Size];
        hashes[group.Rank] = XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(hostName)) + 1.0; // + 1: 0 marks "not filled"
        group.AllReduceSum(hashes);
        double mine = hashes[group.Rank];
        int rank = 0, size = 0;
        for (int r = 0; r < hashes.Length; r++)
        {
            if (hashes[r] != mine) continue;
            if (r < group.Rank) rank++;
            size++;
        }
        return (rank, size);
    }
}

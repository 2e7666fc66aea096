using System.Diagnostics;

namespace CleanWallet.Application.Common.Behaviours;

public sealed class TransactionOptions
{
    /// <summary>How many times a command is run again after a serialization failure, deadlock or lock timeout.</summary>
    public int MaxRetries { get; set; } = 3;

    public int BaseDelayMilliseconds { get; set; } = 20;

    /// <summary>
    /// How long a command keeps being retried while the database is unreachable or starting up (long enough to ride
    /// out a fast restart), and how long a failed commit's outcome is asked after. Then the request fails with a 503.
    /// </summary>
    public double UnavailableRetrySeconds { get; set; } = 10;
}

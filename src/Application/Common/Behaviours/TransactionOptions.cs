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

    /// <summary>
    /// A payment, hold placement or transfer sent with an Idempotency-Key, on wallets whose last movement this process
    /// committed, starts from those copies and takes the row locks with its writes at commit (one round trip instead of
    /// two); a copy found out of date costs one attempt, and the command runs again at once reading the row. Turn it off
    /// where consecutive movements of one wallet usually go to different processes (each attempt would then be wasted).
    /// </summary>
    public bool WalletSnapshots { get; set; } = true;

    /// <summary>
    /// How many wallet copies (<see cref="WalletSnapshots"/>) a process keeps, a few hundred bytes each; when full they are
    /// all dropped and rebuilt by use. Must be at least 1.
    /// </summary>
    public int WalletSnapshotCapacity { get; set; } = 50_000;
}

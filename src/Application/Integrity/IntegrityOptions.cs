namespace CleanWallet.Application.Integrity;

/// <summary>Settings under <c>Integrity</c>.</summary>
public sealed class IntegrityOptions
{
    /// <summary>
    /// The scheduled check is full when the last full check (by anyone) started at least this long ago, else incremental.
    /// A day: the hourly job then reads the whole ledger once a day instead of 24 times, and an old entry altered behind the
    /// append-only trigger (which only a full check can see) is found within a day, well before a month-end statement is
    /// due. Zero or less: every scheduled check is full.
    /// </summary>
    public TimeSpan FullCheckEvery { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a check waits for the one running before it (checks run one at a time) before it gives up, writing nothing:
    /// on demand that is a 409 <c>integrity_check_running</c>, on the schedule a run recorded as skipped. A few seconds:
    /// long enough for an incremental check that is finishing, short enough for an admin's HTTP request (and its pooled
    /// connection) not to hang for the minutes a full check of a big ledger takes. Zero or less: no wait at all.
    /// </summary>
    public int LockWaitSeconds { get; set; } = 5;

    /// <summary>
    /// The <c>Retry-After</c> of a 409 <c>integrity_check_running</c>: about what a check takes, so a retry usually finds
    /// the lock free. At least 1.
    /// </summary>
    public int RetryAfterSeconds { get; set; } = 30;

    /// <summary><see cref="LockWaitSeconds"/> as a wait, never negative.</summary>
    public TimeSpan LockWait => TimeSpan.FromSeconds(Math.Max(0, LockWaitSeconds));
}

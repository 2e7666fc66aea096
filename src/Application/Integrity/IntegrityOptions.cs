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
}

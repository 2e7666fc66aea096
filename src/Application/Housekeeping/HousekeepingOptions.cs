namespace CleanWallet.Application.Housekeeping;

/// <summary>Settings under <c>Housekeeping</c>.</summary>
public sealed class HousekeepingOptions
{
    /// <summary>Idempotency keys are kept at least this long, so a client may retry a request for a day.</summary>
    public int IdempotencyKeyRetentionHours { get; set; } = 24;

    /// <summary>Rows removed or changed per transaction, so housekeeping never holds long locks.</summary>
    public int BatchSize { get; set; } = 5000;
}

namespace CleanWallet.Application.Holds;

/// <summary>Settings under <c>Holds</c>.</summary>
public sealed class HoldOptions
{
    /// <summary>How long a hold placed without <c>expiresInSeconds</c> lasts (7 days).</summary>
    public int DefaultExpirySeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>The longest a hold may last (30 days); a longer <c>expiresInSeconds</c> is a 400.</summary>
    public int MaxExpirySeconds { get; set; } = 30 * 24 * 3600;

    /// <summary>Expired holds the <c>hold-expiry</c> job reads per batch; each hold is released in its own transaction.</summary>
    public int ExpiryBatchSize { get; set; } = 500;
}

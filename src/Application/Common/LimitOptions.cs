namespace CleanWallet.Application.Common;

/// <summary>Risk limits on money movements; every one is a setting (section "Limits").</summary>
public sealed class LimitOptions
{
    /// <summary>The largest amount one transaction may move (422 amount_over_limit above it).</summary>
    public decimal MaxTransactionAmount { get; set; } = 1_000_000m;

    /// <summary>The most a wallet may spend per UTC day by its own debits (422 daily_limit_exceeded); null = no limit.</summary>
    public decimal? DailyDebitLimit { get; set; } = 5_000_000m;

    /// <summary>Movements of this amount or more are flagged in the audit log for review.</summary>
    public decimal ReviewThreshold { get; set; } = 10_000m;
}

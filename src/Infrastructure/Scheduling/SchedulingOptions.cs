namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>Settings under <c>Scheduling</c>. Cron expressions use Quartz syntax (seconds first) in UTC.</summary>
public sealed class SchedulingOptions
{
    /// <summary>When false the scheduler is built (jobs can be listed and queued) but this node fires nothing.</summary>
    public bool Enabled { get; set; } = true;

    public string BillingCron { get; set; } = "0 0 * * * ?";

    /// <summary>Half past: verification reads a ledger the billing run is not writing.</summary>
    public string IntegrityCron { get; set; } = "0 30 * * * ?";

    public string HousekeepingCron { get; set; } = "0 15 * * * ?";

    /// <summary>Every minute, on the half minute: a card payment is reconciled soon after it is old enough.</summary>
    public string CardReconciliationCron { get; set; } = "30 * * * * ?";

    /// <summary>Every minute, on the minute: a hold is released within a minute of its expiry time.</summary>
    public string HoldExpiryCron { get; set; } = "0 * * * * ?";
    /// <summary>Orders still Fulfilling whose lease passed are asked about again: every 30 seconds by default.</summary>
    public string OrderRecoveryCron { get; set; } = "0/30 * * * * ?";

    /// <summary>How often a node writes its check-in; a node silent for longer than this plus the threshold is recovered.</summary>
    public int CheckInIntervalSeconds { get; set; } = 10;

    public int CheckInMisfireThresholdSeconds { get; set; } = 20;

    /// <summary>A trigger that should have fired longer ago than this counts as misfired (then fired once, catching up).</summary>
    public int MisfireThresholdSeconds { get; set; } = 60;

    public int ThreadCount { get; set; } = 4;
}

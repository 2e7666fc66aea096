namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>
/// Settings under <c>Scheduling</c>. Cron expressions are standard five-field cron (minute hour day month weekday), in
/// UTC; Hangfire also accepts a sixth, leading seconds field.
/// </summary>
public sealed class SchedulingOptions
{
    /// <summary>When false this node runs no Hangfire server: jobs can still be listed and queued, other nodes run them.</summary>
    public bool Enabled { get; set; } = true;

    public string BillingCron { get; set; } = "0 * * * *";

    /// <summary>Half past: verification reads a ledger the billing run is not writing.</summary>
    public string IntegrityCron { get; set; } = "30 * * * *";

    public string HousekeepingCron { get; set; } = "15 * * * *";

    /// <summary>Every minute: a card payment is reconciled soon after it is old enough.</summary>
    public string CardReconciliationCron { get; set; } = "* * * * *";

    /// <summary>Every minute: a hold is released within about a minute of its expiry time.</summary>
    public string HoldExpiryCron { get; set; } = "* * * * *";

    /// <summary>Every minute: orders still Fulfilling whose lease passed are asked about again.</summary>
    public string OrderRecoveryCron { get; set; } = "* * * * *";

    /// <summary>
    /// How long a run waits for a run of the same job (on any node) to finish before it gives up: it is then recorded as
    /// Failed, saying so, and Hangfire shows it failed. Every job catches up on what is due, so the run that is still
    /// going covers it; the bound keeps a hung run from holding this node's workers one occurrence after another.
    /// </summary>
    public int JobLockWaitSeconds { get; set; } = 60;

    /// <summary>Jobs one node runs at once (Hangfire workers).</summary>
    public int WorkerCount { get; set; } = 4;

    /// <summary>How often an idle worker looks at the queue (PostgreSQL NOTIFY wakes it earlier on this node).</summary>
    public int QueuePollIntervalSeconds { get; set; } = 5;

    /// <summary>How often a server looks for recurring and delayed jobs that are due.</summary>
    public int SchedulePollingIntervalSeconds { get; set; } = 15;

    /// <summary>How often a server writes its heartbeat.</summary>
    public int HeartbeatIntervalSeconds { get; set; } = 30;

    /// <summary>A server silent for this long is removed from the roll by the others.</summary>
    public int ServerTimeoutSeconds { get; set; } = 300;

    /// <summary>How often servers look for timed-out servers.</summary>
    public int ServerCheckIntervalSeconds { get; set; } = 60;

    /// <summary>
    /// A job fetched by a node that then died (no heartbeat on its fetch for this long) is fetched again by another
    /// node. Running jobs keep their fetch alive (sliding invisibility), so this only bounds how long a dead node's job waits.
    /// </summary>
    public int InvisibilityTimeoutSeconds { get; set; } = 300;

    /// <summary>A Hangfire storage lock (recurring scheduler, ...) held by a dead node is broken after this long.</summary>
    public int DistributedLockTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// How long Hangfire keeps a finished job (its arguments, states, failure) for its dashboard. The business history
    /// (job_runs, billing_runs, integrity_reports) lives in the service's own tables and is not affected.
    /// </summary>
    public int JobExpirationDays { get; set; } = 7;
}

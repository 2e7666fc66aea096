using Quartz;

namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>One recurring job: its Quartz identity, what it is for and when it runs.</summary>
public sealed class RecurringJob
{
    private readonly Action<IQuartzBuilder, SchedulingOptions> _register;

    private RecurringJob(string name, string description, Func<SchedulingOptions, string> cron, Action<IQuartzBuilder, SchedulingOptions> register)
    {
        Name = name;
        Description = description;
        Cron = cron;
        _register = register;
    }

    public string Name { get; }
    public string Description { get; }
    public Func<SchedulingOptions, string> Cron { get; }
    public JobKey JobKey => new(Name, RecurringJobs.Group);
    public TriggerKey TriggerKey => new(Name + ".schedule", RecurringJobs.Group);

    public static RecurringJob Create<TJob>(string name, string description, Func<SchedulingOptions, string> cron) where TJob : IJob
    {
        RecurringJob? job = null;
        job = new RecurringJob(name, description, cron, (quartz, options) =>
        {
            quartz.AddJob<TJob>(configure => configure
                .WithIdentity(job!.JobKey)
                .WithDescription(description)
                .StoreDurably()
                // A node that dies mid-run has the job re-run elsewhere; every job is safe to re-run.
                .RequestRecovery()
                .DisallowConcurrentExecution());
            quartz.AddTrigger<TJob>(trigger => trigger
                .ForJob(job!.JobKey)
                .WithIdentity(job.TriggerKey)
                .WithDescription(description)
                // A run missed while every node was down fires once when one comes back; the job itself catches up.
                .WithSchedule(CronScheduleBuilder.Create(cron(options)).InTimeZone(TimeZoneInfo.Utc)
                    .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
        });
        return job;
    }

    public void Register(IQuartzBuilder quartz, SchedulingOptions options) => _register(quartz, options);
}

/// <summary>Every recurring job of the service, in the order the dashboard lists them.</summary>
public static class RecurringJobs
{
    public const string Group = "cleanwallet";

    public static readonly RecurringJob Billing = RecurringJob.Create<Jobs.BillingJob>("billing",
        "Charges every running VM for each ended hour not yet billed (missed hours included) and suspends the VMs of overdrawn wallets.",
        options => options.BillingCron);

    public static readonly RecurringJob Integrity = RecurringJob.Create<Jobs.IntegrityJob>("integrity",
        "Verifies every wallet's ledger and the payments, refunds, transfers, adjustments and usage behind it; read-only, reports issues.",
        options => options.IntegrityCron);

    public static readonly RecurringJob Housekeeping = RecurringJob.Create<Jobs.HousekeepingJob>("housekeeping",
        "Expires old idempotency keys and closes runs of lost nodes.",
        options => options.HousekeepingCron);

    public static readonly RecurringJob CardReconciliation = RecurringJob.Create<Jobs.CardReconciliationJob>("card-reconciliation",
        "Asks the card processor about card payments still Pending after CardGateway:ReconcileAfterSeconds and records the outcome " +
        "(approved: Paid and credited once; declined or unknown to it: Failed; other amount: flagged).",
        options => options.CardReconciliationCron);

    public static readonly RecurringJob HoldExpiry = RecurringJob.Create<Jobs.HoldExpiryJob>("hold-expiry",
        "Releases Active holds past their expiry time that no order owns (Expired), Holds:ExpiryBatchSize at a time, each in its own " +
        "transaction under the hold's and its wallet's row lock.",
        options => options.HoldExpiryCron);


    public static readonly RecurringJob OrderRecovery = RecurringJob.Create<Jobs.OrderRecoveryJob>("order-recovery",
        "Asks the fulfilment service again about orders still Fulfilling whose lease passed and records the answer (fulfilled: hold " +
        "captured, Completed; refused: hold voided, Failed; past the deadline without an answer: voided, Failed, needs attention).",
        options => options.OrderRecoveryCron);

    public static IReadOnlyList<RecurringJob> All { get; } = [Billing, Integrity, Housekeeping, CardReconciliation, HoldExpiry, OrderRecovery];

    public static RecurringJob? Find(string name) =>
        All.FirstOrDefault(job => string.Equals(job.Name, name, StringComparison.OrdinalIgnoreCase));
}

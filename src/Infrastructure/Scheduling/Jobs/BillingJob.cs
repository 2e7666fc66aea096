using CleanWallet.Application.Billing.RunBilling;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CleanWallet.Infrastructure.Scheduling.Jobs;

/// <summary>
/// The hourly billing run, named after the scheduler instance that runs it. A run whose batches partly failed still
/// returns its summary (what it billed is committed); the job then reports itself failed as well, so the job history
/// shows the failure with the summary beside it.
/// </summary>
public sealed class BillingJob(IServiceScopeFactory scopes) : MediatorJob<RunBillingCommand, BillingRunSummary>(scopes), IJob
{
    protected override RunBillingCommand CreateRequest(IJobExecutionContext context) => new(context.Scheduler.SchedulerInstanceId);

    async ValueTask IJob.Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await Execute(context, cancellationToken);
        if (context.Result is BillingRunSummary { Status: BillingRunSummary.Failed } summary)
            throw new JobExecutionException($"Billing run {summary.RunId} failed: {string.Join(" | ", summary.Errors)}");
    }
}

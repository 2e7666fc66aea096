using CleanWallet.Application.Integrity.Commands.RunScheduledIntegrityCheck;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CleanWallet.Infrastructure.Scheduling.Jobs;

/// <summary>The hourly integrity check; the job history keeps its counts, the report keeps its issues.</summary>
public sealed class IntegrityJob(IServiceScopeFactory scopes) : MediatorJob<RunScheduledIntegrityCheckCommand, IntegrityCheckSummary>(scopes)
{
    protected override RunScheduledIntegrityCheckCommand CreateRequest(IJobExecutionContext context) => new();
}

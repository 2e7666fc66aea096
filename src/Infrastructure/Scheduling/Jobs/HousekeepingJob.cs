using CleanWallet.Application.Housekeeping.RunHousekeeping;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CleanWallet.Infrastructure.Scheduling.Jobs;

public sealed class HousekeepingJob(IServiceScopeFactory scopes) : MediatorJob<RunHousekeepingCommand, HousekeepingSummary>(scopes)
{
    protected override RunHousekeepingCommand CreateRequest(IJobExecutionContext context) => new();
}

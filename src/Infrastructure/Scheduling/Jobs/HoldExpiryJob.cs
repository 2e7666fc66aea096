using CleanWallet.Application.Holds.Commands.ExpireHolds;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CleanWallet.Infrastructure.Scheduling.Jobs;

/// <summary>Releases Active holds past their expiry time; all the work is in <see cref="ExpireHoldsCommand"/>, the job history keeps its counts.</summary>
public sealed class HoldExpiryJob(IServiceScopeFactory scopes) : MediatorJob<ExpireHoldsCommand, HoldExpiryReport>(scopes)
{
    protected override ExpireHoldsCommand CreateRequest(IJobExecutionContext context) => new();
}

using CleanWallet.Application.Orders.Commands.RecoverStuckOrders;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CleanWallet.Infrastructure.Scheduling.Jobs;

/// <summary>Takes up orders still Fulfilling whose lease passed (<see cref="RecoverStuckOrdersCommand"/>); the job history keeps the counts.</summary>
public sealed class OrderRecoveryJob(IServiceScopeFactory scopes) : MediatorJob<RecoverStuckOrdersCommand, OrderRecoveryReport>(scopes)
{
    protected override RecoverStuckOrdersCommand CreateRequest(IJobExecutionContext context) => new();
}

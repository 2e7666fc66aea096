using CleanWallet.Application.Payments.Commands.ReconcileCardPayments;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CleanWallet.Infrastructure.Scheduling.Jobs;

/// <summary>Asks the card processor about card payments left Pending and records what it says; the job history keeps the counts.</summary>
public sealed class CardReconciliationJob(IServiceScopeFactory scopes) : MediatorJob<ReconcileCardPaymentsCommand, CardReconciliationReport>(scopes)
{
    protected override ReconcileCardPaymentsCommand CreateRequest(IJobExecutionContext context) => new();
}

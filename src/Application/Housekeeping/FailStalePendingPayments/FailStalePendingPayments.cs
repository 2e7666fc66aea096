using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Domain.Payments;

namespace CleanWallet.Application.Housekeeping.FailStalePendingPayments;

/// <summary>Fails one batch of payments stuck in Pending since before <paramref name="CreatedBefore"/>; one transaction.</summary>
public sealed record FailStalePendingPaymentsCommand(DateTimeOffset CreatedBefore, int BatchSize) : ICommand<int>;

public sealed class FailStalePendingPaymentsHandler(IHousekeepingStore store, TimeProvider clock)
    : MediatR.IRequestHandler<FailStalePendingPaymentsCommand, int>
{
    public const string FailureCode = "pending_timeout";

    public async Task<int> Handle(FailStalePendingPaymentsCommand command, CancellationToken cancellationToken)
    {
        var now = clock.StorableNow();
        var stale = await store.LockPendingPaymentsCreatedBeforeAsync(command.CreatedBefore, command.BatchSize, cancellationToken);
        foreach (var payment in stale)
            payment.MarkFailed(FailureCode, now);
        return stale.Count;
    }
}

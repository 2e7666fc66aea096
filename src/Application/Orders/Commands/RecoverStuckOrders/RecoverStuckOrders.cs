using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Orders.Commands.FulfilOrder;
using CleanWallet.Domain.Orders;
using MediatR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Orders.Commands.RecoverStuckOrders;

/// <summary>
/// The work of the <c>order-recovery</c> job: takes up orders still Fulfilling whose lease has passed (the node that
/// placed them died, recording the outcome failed, or the service's answer was unclear and
/// <see cref="FulfilmentRecoveryOptions.RecoverAfterSeconds"/> have gone by), oldest lease first, at most a batch of
/// them, and asks fulfilment again for each through <see cref="FulfilOrderCommand"/> with a new claim: Completed (hold
/// captured), Failed (hold voided), or still Fulfilling. An order another node claimed meanwhile is skipped, so two runs
/// never call fulfilment for one order at the same time. Not an <c>ICommand</c>: each order gets its own short
/// transactions, never one for the whole batch.
/// </summary>
public sealed record RecoverStuckOrdersCommand(int? BatchSize = null) : IRequest<OrderRecoveryReport>;

/// <summary>
/// What one recovery run did: <see cref="Completed"/> and <see cref="Failed"/> count the orders this run settled;
/// <see cref="StillFulfilling"/> got no definite answer again (or were claimed by another node); <see cref="Unchanged"/>
/// were settled meanwhile by someone else; <see cref="Errors"/> failed and stay Fulfilling for the next run.
/// </summary>
public sealed record OrderRecoveryReport(int Found, int Completed, int Failed, int StillFulfilling, int Unchanged, int Errors);

public sealed class RecoverStuckOrdersHandler(
    IReadStore read,
    IMediator mediator,
    IOptions<FulfilmentRecoveryOptions> options,
    TimeProvider clock,
    ILogger<RecoverStuckOrdersHandler> logger) : IRequestHandler<RecoverStuckOrdersCommand, OrderRecoveryReport>
{
    public async Task<OrderRecoveryReport> Handle(RecoverStuckOrdersCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var batchSize = command.BatchSize ?? options.Value.RecoveryBatchSize;
        var due = await read.ToListAsync(read.Orders
            .Where(o => o.Status == OrderStatus.Fulfilling && (o.FulfilmentLeaseUntil == null || o.FulfilmentLeaseUntil <= now))
            .OrderBy(o => o.FulfilmentLeaseUntil).ThenBy(o => o.Id)
            .Select(o => o.Id)
            .Take(batchSize), cancellationToken);

        int completed = 0, failed = 0, stillFulfilling = 0, unchanged = 0, errors = 0;
        foreach (var orderId in due)
        {
            try
            {
                var step = await mediator.Send(new FulfilOrderCommand(orderId), cancellationToken);
                // Counted by what this run did: an order another run (or the placing request) settled meanwhile is unchanged
                // here, whatever its status, so two runs in parallel never both count it.
                switch (step.Order.Status)
                {
                    case nameof(OrderStatus.Completed) when step.Settled: completed++; break;
                    case nameof(OrderStatus.Failed) when step.Settled: failed++; break;
                    case nameof(OrderStatus.Fulfilling): stillFulfilling++; break;
                    default: unchanged++; break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One order's trouble must not keep the rest of the batch waiting; it stays Fulfilling for the next run.
                errors++;
                logger.LogError(ex, "Recovering order {OrderId} failed; it stays Fulfilling for the next run", orderId);
            }
        }

        if (due.Count > 0)
            logger.LogWarning("Order recovery took up {Found} Fulfilling orders: {Completed} completed, {Failed} failed (hold voided), " +
                              "{StillFulfilling} still without a definite answer, {Unchanged} settled meanwhile, {Errors} errors",
                due.Count, completed, failed, stillFulfilling, unchanged, errors);
        return new OrderRecoveryReport(due.Count, completed, failed, stillFulfilling, unchanged, errors);
    }
}

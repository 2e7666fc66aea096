using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Orders.Commands.FulfilOrder;
using CleanWallet.Domain.Orders;
using MediatR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Orders.Commands.RecoverStuckOrders;

/// <summary>
/// Takes up orders left Paid for longer than <see cref="FulfilmentRecoveryOptions.RecoverAfterSeconds"/> (the process
/// died between payment and fulfilment, or recording the outcome failed), oldest first, at most a batch of them, and
/// fulfils each again through <see cref="FulfilOrderCommand"/>: Completed, or Failed with the payment refunded.
/// Not an <c>ICommand</c>: each order gets its own short transaction, never one for the whole batch.
/// </summary>
public sealed record RecoverStuckOrdersCommand(int? BatchSize = null) : IRequest<OrderRecoveryReport>;

/// <summary>What one recovery run did; <see cref="Errors"/> counts orders left Paid for the next run.</summary>
public sealed record OrderRecoveryReport(int Found, int Completed, int Failed, int Unchanged, int Errors);

public sealed class RecoverStuckOrdersHandler(
    IReadStore read,
    IMediator mediator,
    IOptions<FulfilmentRecoveryOptions> options,
    TimeProvider clock,
    ILogger<RecoverStuckOrdersHandler> logger) : IRequestHandler<RecoverStuckOrdersCommand, OrderRecoveryReport>
{
    public async Task<OrderRecoveryReport> Handle(RecoverStuckOrdersCommand command, CancellationToken cancellationToken)
    {
        var paidBefore = clock.GetUtcNow() - TimeSpan.FromSeconds(options.Value.RecoverAfterSeconds);
        var batchSize = command.BatchSize ?? options.Value.RecoveryBatchSize;
        var stuck = await read.ToListAsync(read.Orders
            .Where(o => o.Status == OrderStatus.Paid && o.PaidAt <= paidBefore)
            .OrderBy(o => o.PaidAt).ThenBy(o => o.Id)
            .Select(o => o.Id)
            .Take(batchSize), cancellationToken);

        int completed = 0, failed = 0, unchanged = 0, errors = 0;
        foreach (var orderId in stuck)
        {
            try
            {
                var order = await mediator.Send(new FulfilOrderCommand(orderId), cancellationToken);
                switch (order.Status)
                {
                    case nameof(OrderStatus.Completed): completed++; break;
                    case nameof(OrderStatus.Failed): failed++; break;
                    default: unchanged++; break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One order's trouble must not keep the rest of the batch waiting; it stays Paid for the next run.
                errors++;
                logger.LogError(ex, "Recovering order {OrderId} failed; it stays Paid for the next run", orderId);
            }
        }

        if (stuck.Count > 0)
            logger.LogWarning("Order recovery took up {Found} stuck orders: {Completed} completed, {Failed} failed and refunded, " +
                              "{Unchanged} already settled, {Errors} errors", stuck.Count, completed, failed, unchanged, errors);
        return new OrderRecoveryReport(stuck.Count, completed, failed, unchanged, errors);
    }
}

using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Orders.Commands.RecordFulfilmentOutcome;
using CleanWallet.Application.Orders.Fulfilment;
using CleanWallet.Domain.Orders;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace CleanWallet.Application.Orders.Commands.FulfilOrder;

/// <summary>
/// Fulfils a Paid order and records the outcome: Completed with the fulfilment id, or Failed with the payment
/// refunded to the wallet. Sent by the create endpoint once the payment has committed, and by the recovery step for
/// orders left Paid. An order that is no longer Paid is answered as it stands, without calling anything.
/// Deliberately not an <c>ICommand</c>: the outside call (seconds, with retries) runs with no transaction open and
/// no row locked; only <see cref="RecordFulfilmentOutcomeCommand"/>, afterwards, takes locks, in its own transaction.
/// </summary>
public sealed record FulfilOrderCommand(Guid OrderId) : IRequest<OrderDto>;

public sealed class FulfilOrderHandler(IReadStore read, IFulfilmentService fulfilment, IServiceScopeFactory scopes)
    : IRequestHandler<FulfilOrderCommand, OrderDto>
{
    public async Task<OrderDto> Handle(FulfilOrderCommand command, CancellationToken cancellationToken)
    {
        var orderId = command.OrderId;
        var order = await read.FirstOrDefaultAsync(read.Orders.Where(o => o.Id == orderId), cancellationToken)
                    ?? throw new NotFoundException("Order", orderId);
        if (order.Status != OrderStatus.Paid)
            return await OrderReads.CurrentAsync(read, orderId, cancellationToken);

        // The order id is the idempotency key: a retry, a second node's recovery or a client replay asking again is
        // the same request to the service, which fulfils it at most once.
        var result = await fulfilment.FulfilAsync(new FulfilmentRequest(order.Id, order.CustomerId, order.Amount, order.Currency,
            order.Description, order.Items, order.Id.ToString()), cancellationToken);

        // A fresh scope, so a fresh unit of work: rows an earlier command of this request loaded (the create's
        // wallet) would otherwise come back from its change tracker as they were then, not as the lock reads them now.
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(
            new RecordFulfilmentOutcomeCommand(order.Id, result.Succeeded, result.FulfilmentId, result.FailureReason, result.Attempts),
            cancellationToken);
    }
}

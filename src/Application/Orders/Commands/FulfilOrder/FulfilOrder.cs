using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Orders.Commands.RecordFulfilmentOutcome;
using CleanWallet.Application.Orders.Fulfilment;
using CleanWallet.Domain.Orders;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Orders.Commands.FulfilOrder;

/// <summary>
/// Asks the fulfilment service for a Fulfilling order and records the answer: Completed (hold captured), Failed (hold
/// voided) or, when the answer is unclear, still Fulfilling for recovery to ask again. First the order is claimed
/// (<see cref="IOrderStore.TryClaimFulfilmentAsync"/>) with <see cref="LeaseToken"/> (the placing request's own, or a
/// new one): when another node holds it, nothing is called and the order is answered as it stands. An order that is no
/// longer Fulfilling is answered as it stands too. Deliberately not an <c>ICommand</c>: the outside call (seconds, with
/// retries) runs with no transaction open and no row locked; only <see cref="RecordFulfilmentOutcomeCommand"/>,
/// afterwards, takes locks, in its own transaction. <see cref="Answer"/> is the client's idempotency key whose stored
/// answer becomes the final one.
/// </summary>
public sealed record FulfilOrderCommand(Guid OrderId, Guid? LeaseToken = null, IdempotentAnswer? Answer = null) : IRequest<FulfilmentStep>;

public sealed class FulfilOrderHandler(
    IReadStore read,
    IOrderStore orders,
    IFulfilmentService fulfilment,
    IOptions<FulfilmentRecoveryOptions> options,
    TimeProvider clock,
    IServiceScopeFactory scopes) : IRequestHandler<FulfilOrderCommand, FulfilmentStep>
{
    public async Task<FulfilmentStep> Handle(FulfilOrderCommand command, CancellationToken cancellationToken)
    {
        var orderId = command.OrderId;
        var order = await read.FirstOrDefaultAsync(read.Orders.Where(o => o.Id == orderId), cancellationToken)
                    ?? throw new NotFoundException("Order", orderId);
        if (order.Status != OrderStatus.Fulfilling)
            return new FulfilmentStep(await OrderReads.CurrentAsync(read, orderId, cancellationToken), Settled: false);

        var token = command.LeaseToken ?? Guid.NewGuid();
        var now = clock.GetUtcNow();
        if (!await orders.TryClaimFulfilmentAsync(orderId, token, now, now + options.Value.Lease, cancellationToken))
            return new FulfilmentStep(await OrderReads.CurrentAsync(read, orderId, cancellationToken), Settled: false);

        // The order id is the idempotency key: a retry, recovery on any node or a client replay asking again is the same
        // request to the service, which fulfils it at most once. Only items the customer paid for are sent (the amount
        // is their sum, a rule of the order).
        var result = await fulfilment.FulfilAsync(new FulfilmentRequest(order.Id, order.CustomerId, order.Amount, order.Currency,
            order.Description, order.Items, order.Id.ToString()), cancellationToken);

        // A fresh scope, so a fresh unit of work: rows an earlier command of this request loaded (the create's
        // wallet) would otherwise come back from its change tracker as they were then, not as the lock reads them now.
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(
            new RecordFulfilmentOutcomeCommand(order.Id, token, result, command.Answer), cancellationToken);
    }
}

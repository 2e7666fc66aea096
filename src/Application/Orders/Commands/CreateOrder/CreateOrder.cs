using System.Text.Json.Serialization;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Holds;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Orders;
using MediatR;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Orders.Commands.CreateOrder;

/// <summary>
/// Places an order on a hold, in one transaction: the order (Fulfilling, leased to this request by
/// <see cref="LeaseToken"/>) and a hold of its amount on the wallet, naming it; refused with nothing written when the
/// wallet is frozen, short of funds (other holds included) or over a limit, exactly like a payment. No money moves and no
/// ledger entry is written yet. Fulfilment is a separate step (<see cref="FulfilOrder.FulfilOrderCommand"/>) after this
/// commits, so the outside call never happens inside this transaction or under the wallet's lock.
/// </summary>
/// <param name="LeaseToken">
/// The claim the placing request holds on the new order, so no recovery run calls fulfilment for it meanwhile. Not part
/// of the request (left out of the idempotency hash): a replay carries a new one and must claim the order again.
/// </param>
public sealed record CreateOrderCommand(Guid WalletId, decimal Amount, string Description, IReadOnlyList<OrderItemInput?>? Items,
    [property: JsonIgnore] Guid LeaseToken = default)
    : IIdempotentCommand<OrderDto>;

/// <summary>An order line as sent; every member is required, which the validator (not the JSON binder) reports.</summary>
public sealed record OrderItemInput(string? Sku, int? Quantity, decimal? UnitPrice)
{
    public OrderItem ToItem() => new(Sku ?? string.Empty, Quantity ?? 0, UnitPrice ?? -1m);
}

public sealed class CreateOrderHandler(
    IWalletStore wallets,
    IOrderStore orders,
    IHoldStore holds,
    TransactionLimits limits,
    IOptions<OrderOptions> options,
    IOptions<FulfilmentRecoveryOptions> recovery,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<CreateOrderCommand, OrderDto>
{
    public async Task<OrderDto> Handle(CreateOrderCommand command, CancellationToken cancellationToken)
    {
        var wallet = await wallets.LockAccessibleAsync(command.WalletId, caller, cancellationToken);
        var now = clock.StorableNow(); // under the lock, like every wallet change
        var lease = command.LeaseToken == Guid.Empty ? Guid.NewGuid() : command.LeaseToken;

        var order = Order.Place(wallet.CustomerId, wallet.Id, command.Amount, wallet.Currency, command.Description,
            command.Items?.Select(i => i!.ToItem()).ToArray(), now, now + options.Value.FulfilmentDeadline, lease, now + recovery.Value.Lease);
        // The hold names the order (and its reference too), as the order's payment will name the hold.
        var hold = wallet.PlaceHold(order.Money, command.Description, $"order:{order.Id}", now + options.Value.HoldExpiry,
            limits.Current, caller.Actor, now, order.OrderId);

        orders.Add(order);
        holds.Add(hold);
        return OrderDto.From(order, payment: null);
    }
}

using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Orders;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using MediatR;

namespace CleanWallet.Application.Orders.Commands.CreateOrder;

/// <summary>
/// Places and pays for an order in one transaction: the order, a Wallet payment record and its Payment ledger
/// entry, all linked; refused with nothing written when the wallet is frozen, short of funds or over a limit.
/// Fulfilment is a separate step (<see cref="FulfilOrder.FulfilOrderCommand"/>) that runs after this commits, so
/// the outside call never happens inside this transaction or under the wallet's lock.
/// </summary>
public sealed record CreateOrderCommand(Guid WalletId, decimal Amount, string Description, IReadOnlyList<OrderItemInput?>? Items)
    : ICommand<OrderDto>, IIdempotentCommand;

/// <summary>An order line as sent; every member is required, which the validator (not the JSON binder) reports.</summary>
public sealed record OrderItemInput(string? Sku, int? Quantity, decimal? UnitPrice)
{
    public OrderItem ToItem() => new(Sku ?? string.Empty, Quantity ?? 0, UnitPrice ?? -1m);
}

public sealed class CreateOrderHandler(
    IWalletStore wallets,
    IPaymentStore payments,
    IOrderStore orders,
    TransactionLimits limits,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<CreateOrderCommand, OrderDto>
{
    public async Task<OrderDto> Handle(CreateOrderCommand command, CancellationToken cancellationToken)
    {
        var wallet = await wallets.LockAccessibleAsync(command.WalletId, caller, cancellationToken);
        var now = clock.StorableNow(); // under the lock, like every ledger write

        var order = Order.Place(wallet.CustomerId, wallet.Id, command.Amount, wallet.Currency, command.Description,
            command.Items?.Select(i => i!.ToItem()).ToArray(), now);
        // The payment's reference names the order, as the order names the payment.
        var (payment, entry) = wallet.Pay(Money.Of(order.Amount, wallet.Currency), command.Description, $"order:{order.Id}",
            limits.Current, caller.Actor, now);
        order.MarkPaid(payment.Id, now);

        wallets.AddEntry(entry);
        payments.Add(payment);
        orders.Add(order);
        return OrderDto.From(order, payment);
    }
}

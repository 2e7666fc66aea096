using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Payments;
using MediatR;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Orders.Commands.CancelOrder;

/// <summary>
/// Cancels an order that is Completed within the cancellation window with nothing returned, and refunds what is left
/// of its payment (the capture of its hold) to the wallet; a Fulfilling order is a 409 order_in_fulfilment, any other
/// state a 409.
/// </summary>
public sealed record CancelOrderCommand(Guid OrderId, string? Reason) : IIdempotentCommand<OrderDto>;

public sealed class CancelOrderHandler(
    IOrderStore orders,
    IRefundStore refunds,
    IWalletStore wallets,
    AuditLog audit,
    ICallerContext caller,
    IOptions<OrderOptions> options,
    TimeProvider clock) : IRequestHandler<CancelOrderCommand, OrderDto>
{
    public const string AuditAction = "order.cancel";

    public async Task<OrderDto> Handle(CancelOrderCommand command, CancellationToken cancellationToken)
    {
        // Locked first: a fulfilment outcome being recorded, a return or a second cancel queue behind this one.
        var order = await orders.FindForUpdateAsync(command.OrderId, cancellationToken);
        if (order is null || !caller.CanAccess(order.CustomerId))
            throw new NotFoundException("Order", command.OrderId);
        var before = new { status = order.Status.ToString() };
        // A Fulfilling order has no payment yet (409 order_in_fulfilment), nor has a Failed one: refused before any other lock.
        order.EnsureCanCancel(clock.GetUtcNow(), options.Value.CancellationWindow);

        var (payment, wallet) = await OrderRefunds.LockPaymentAndWalletAsync(refunds, wallets, order, cancellationToken);
        var now = clock.StorableNow(); // under every lock, so the refund entry is stamped in its wallet's sequence order
        order.Cancel(now, options.Value.CancellationWindow);
        var refunded = payment.RefundableAmount;
        if (refunded > 0m)
            OrderRefunds.ToWallet(refunds, wallets, payment, wallet, refunded,
                string.IsNullOrWhiteSpace(command.Reason) ? "Order cancelled" : command.Reason, caller.Actor, now);

        // A customer cancelling its own order is not an admin action; an admin giving anyone's money back is audited.
        if (caller.Role == CallerRole.Admin)
            audit.Record(new AuditRecord(AuditAction, "order", order.Id, refunded, order.Currency, command.Reason, before,
                new { status = order.Status.ToString(), refunded }));
        return OrderDto.From(order, payment);
    }
}

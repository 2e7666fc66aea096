using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Payments;
using MediatR;

namespace CleanWallet.Application.Orders.Commands.ReturnOrder;

/// <summary>
/// Returns all or part of a fulfilled order and refunds that amount to the wallet. No <see cref="Amount"/> returns
/// whatever is left. Only a Completed order (possibly partly returned already) can be returned (409 otherwise);
/// never more than was paid (422 refund_exceeds_payment). Fully returned, the order is Returned.
/// </summary>
public sealed record ReturnOrderCommand(Guid OrderId, decimal? Amount, string Reason) : IIdempotentCommand<OrderReturnDto>;

/// <summary>One return: the refund it caused and the order right after it.</summary>
public sealed record OrderReturnDto(Guid RefundId, decimal Amount, string Reason, Guid? LedgerEntryId, DateTimeOffset CreatedAt, OrderDto Order) : IdempotentResponse;

public sealed class ReturnOrderHandler(
    IOrderStore orders,
    IRefundStore refunds,
    IWalletStore wallets,
    AuditLog audit,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<ReturnOrderCommand, OrderReturnDto>
{
    public const string AuditAction = "order.return";

    public async Task<OrderReturnDto> Handle(ReturnOrderCommand command, CancellationToken cancellationToken)
    {
        var order = await orders.FindForUpdateAsync(command.OrderId, cancellationToken);
        if (order is null || !caller.CanAccess(order.CustomerId))
            throw new NotFoundException("Order", command.OrderId);
        var before = new { status = order.Status.ToString(), returnedAmount = order.ReturnedAmount };

        // State first (409), then the amount: the payment refuses more than is still refundable (422), and so does the order.
        order.EnsureReturnable();
        var amount = command.Amount ?? order.ReturnableAmount;
        var (payment, wallet) = await OrderRefunds.LockPaymentAndWalletAsync(refunds, wallets, order, cancellationToken);
        var now = clock.StorableNow(); // under every lock, so the refund entry is stamped in its wallet's sequence order
        var refund = OrderRefunds.ToWallet(refunds, wallets, payment, wallet, amount, command.Reason, caller.Actor, now);
        order.RegisterReturn(amount, now);

        if (caller.Role == CallerRole.Admin)
            audit.Record(new AuditRecord(AuditAction, "order", order.Id, amount, order.Currency, command.Reason, before,
                new { status = order.Status.ToString(), returnedAmount = order.ReturnedAmount }));
        return new OrderReturnDto(refund.Id, refund.Amount, refund.Reason, refund.LedgerEntryId, refund.CreatedAt, OrderDto.From(order, payment));
    }
}

using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Payments.Commands.RefundPayment;
using CleanWallet.Domain.Orders;
using MediatR;

namespace CleanWallet.Application.Orders.Commands.RecordFulfilmentOutcome;

/// <summary>
/// The second half of <see cref="FulfilOrder.FulfilOrderCommand"/>, in one transaction: success → Completed with the
/// fulfilment id; failure → Failed and whatever of the payment is not refunded yet goes back to the wallet (payment
/// refund, Refund entry, refund row), so nobody pays for an order that did not happen. The order is locked and must
/// still be Paid: a cancellation or another node's recovery that got there first wins, and this records nothing.
/// </summary>
public sealed record RecordFulfilmentOutcomeCommand(Guid OrderId, bool Succeeded, string? FulfilmentId, string? FailureReason, int Attempts)
    : ICommand<OrderDto>;

public sealed class RecordFulfilmentOutcomeHandler(
    IOrderStore orders,
    IRefundStore refunds,
    IWalletStore wallets,
    IReadStore read,
    TimeProvider clock) : IRequestHandler<RecordFulfilmentOutcomeCommand, OrderDto>
{
    public const string DefaultFailureReason = "The fulfilment service did not fulfil the order.";

    public async Task<OrderDto> Handle(RecordFulfilmentOutcomeCommand command, CancellationToken cancellationToken)
    {
        var order = await orders.FindForUpdateAsync(command.OrderId, cancellationToken)
                    ?? throw new NotFoundException("Order", command.OrderId);
        if (order.Status != OrderStatus.Paid)
            return await OrderReads.CurrentAsync(read, order.Id, cancellationToken);

        var attempts = Math.Max(command.Attempts, 0);
        if (command.Succeeded && command.FulfilmentId is { Length: > 0 and <= Order.MaxFulfilmentIdLength } fulfilmentId
                              && !string.IsNullOrWhiteSpace(fulfilmentId))
        {
            order.Complete(fulfilmentId, attempts, clock.StorableNow());
            var paymentId = order.PaymentId;
            var paid = await read.FirstOrDefaultAsync(read.Payments.Where(p => p.Id == paymentId), cancellationToken);
            return OrderDto.From(order, paid);
        }

        var reason = command.Succeeded
            ? "The fulfilment service answered without a usable fulfilment id."
            : OrderRefunds.Fit(string.IsNullOrWhiteSpace(command.FailureReason) ? DefaultFailureReason : command.FailureReason.Trim(),
                Order.MaxFailureReasonLength);
        var (payment, wallet) = await OrderRefunds.LockPaymentAndWalletAsync(refunds, wallets, order, cancellationToken);
        var now = clock.StorableNow(); // under every lock, so the refund entry is stamped in its wallet's sequence order
        order.FailFulfilment(reason, attempts, now);
        // Whatever an admin may have refunded already stays refunded; the rest goes back now.
        if (payment.RefundableAmount > 0m)
            OrderRefunds.ToWallet(refunds, wallets, payment, wallet, payment.RefundableAmount,
                OrderRefunds.Fit($"Order not fulfilled: {reason}"), OrderRefunds.SystemActor, now);
        return OrderDto.From(order, payment);
    }
}

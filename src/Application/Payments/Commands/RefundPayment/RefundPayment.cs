using System.Security.Cryptography;
using System.Text;
using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Payments.Gateway;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using MediatR;

namespace CleanWallet.Application.Payments.Commands.RefundPayment;

/// <summary>
/// An admin gives money back on a payment, to where it came from: a wallet payment is credited back to its wallet
/// (a Refund entry referencing the payment), a direct card payment is refunded through the card processor.
/// No <see cref="Amount"/> refunds whatever is still refundable. Card top-ups are refused: the money already sits
/// in the wallet and may have been spent, so returning it to the card is a different operation.
/// </summary>
public sealed record RefundPaymentCommand(Guid PaymentId, decimal? Amount, string Reason) : IIdempotentCommand<RefundDto>;

public sealed class RefundPaymentHandler(
    IRefundStore refunds,
    IWalletStore wallets,
    ICardGateway gateway,
    AuditLog audit,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<RefundPaymentCommand, RefundDto>
{
    public const string AuditAction = "payment.refund";

    public async Task<RefundDto> Handle(RefundPaymentCommand command, CancellationToken cancellationToken)
    {
        // Locked before anything is checked: concurrent refunds of this payment queue here and each sees the
        // refunded amount the previous one committed, so together they can never exceed the paid amount.
        var payment = await refunds.FindPaymentForUpdateAsync(command.PaymentId, cancellationToken)
                      ?? throw new NotFoundException("Payment", command.PaymentId);

        if (payment.IsCardTopUp)
            throw new DomainException(ErrorCodes.RefundNotSupported,
                "This payment is a card top-up whose money was credited to a wallet; top-ups are not refundable through this endpoint. " +
                "Use a wallet adjustment if the money must be taken back.",
                details: new Dictionary<string, object?> { ["paymentId"] = payment.Id, ["walletId"] = payment.WalletId });

        // The schema makes a wallet payment's wallet mandatory; the lock keeps its balance and sequence ours.
        var wallet = payment.Method == PaymentMethod.Wallet
            ? await wallets.FindForUpdateAsync(payment.WalletId!.Value, cancellationToken)
              ?? throw new InvalidOperationException($"Wallet {payment.WalletId} of payment {payment.Id} does not exist.")
            : null;
        // Taken under the locks, so refunds of one payment, and the entries of its wallet, are stamped in the order they happened.
        var now = clock.StorableNow();

        var before = Snapshot(payment);

        Refund refund;
        if (wallet is not null)
        {
            var movement = wallet.RefundPayment(payment, command.Amount is { } requested ? Money.Of(requested, payment.Currency) : null,
                command.Reason, caller.Actor, now);
            wallets.AddEntry(movement.Entry);
            refund = movement.Refund;
        }
        else
        {
            var amount = command.Amount ?? payment.RefundableAmount;
            payment.RegisterRefund(amount, now);
            // Every check is done, so the processor is only asked for a refund we will record. Its key comes from the
            // refund's id, fixed before the call: should the commit still fail, a retry of this request (same
            // Idempotency-Key) is the same refund to the processor and is not refunded twice.
            var refundId = CardRefundIdFor(payment.Id);
            // The same key on the same payment after the key expired (housekeeping forgot it) names the refund it made
            // then: the processor would answer that old refund again, so recording it as a new one would be wrong.
            if (await refunds.ExistsAsync(refundId, cancellationToken))
                throw new DomainException(ErrorCodes.IdempotencyKeyReused,
                    $"This Idempotency-Key already made refund {refundId} of this payment (the key has since expired); use a new key for a new refund.",
                    details: new Dictionary<string, object?> { ["refundId"] = refundId, ["paymentId"] = payment.Id });
            var result = await gateway.RefundAsync(
                new CardRefundRequest(payment.GatewayReference ?? throw new InvalidOperationException($"Paid card payment {payment.Id} has no gateway reference."),
                    amount, payment.Currency, Refund.GatewayIdempotencyKeyFor(refundId)),
                cancellationToken);
            if (!result.Approved)
                throw new DomainException(
                    result.DeclineCode is { } code && PaymentRecord.IsUsableCode(code) ? code : ErrorCodes.RefundDeclined,
                    "The card processor refused the refund; nothing was refunded or recorded.",
                    details: new Dictionary<string, object?> { ["paymentId"] = payment.Id });
            refund = Refund.ToCard(refundId, payment, amount, command.Reason, result.GatewayReference, caller.Actor, now);
        }

        refunds.Add(refund);
        audit.Record(new AuditRecord(AuditAction, "payment", payment.Id, refund.Amount, payment.Currency, command.Reason,
            before, Snapshot(payment)));
        return RefundDto.From(refund, payment, wallet?.Balance);
    }

    /// <summary>
    /// A card refund's id, fixed before the processor is asked and the same for every retry of the request: derived from
    /// the client's idempotency key when it sent one, otherwise from this request (stable across transaction re-runs).
    /// </summary>
    private Guid CardRefundIdFor(Guid paymentId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(caller.OutboundIdempotencyKey($"refund:{paymentId}")));
        return new Guid(hash.AsSpan(0, 16));
    }

    private static object Snapshot(PaymentRecord payment) => new { status = payment.Status.ToString(), refundedAmount = payment.RefundedAmount };
}

using CleanWallet.Application.Common.Messaging;
using System.Text.Json.Serialization;
using CleanWallet.Domain.Payments;

namespace CleanWallet.Application.Payments;

/// <summary>
/// A refund as the API shows it, with the state of its payment: in the answer to the refund, the payment right
/// after it; in reads, the payment as it is now. <see cref="WalletBalance"/> is the credited wallet's balance right
/// after a wallet refund, and only in that answer.
/// </summary>
public sealed record RefundDto(
    Guid Id,
    Guid PaymentId,
    decimal Amount,
    string Currency,
    string Reason,
    Guid? LedgerEntryId,
    string PaymentStatus,
    decimal RefundedAmount,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? WalletBalance) : IdempotentResponse
{
    public static RefundDto From(Refund refund, PaymentRecord payment, decimal? walletBalance = null) => new(
        refund.Id, refund.PaymentId, refund.Amount, payment.Currency, refund.Reason, refund.LedgerEntryId,
        payment.Status.ToString(), payment.RefundedAmount, refund.CreatedAt, walletBalance);
}

using CleanWallet.Application.Common.Messaging;
using System.Linq.Expressions;
using System.Text.Json.Serialization;
using CleanWallet.Domain.Payments;

namespace CleanWallet.Application.Payments;

/// <summary>
/// A payment as the API shows it. Money-moving requests also fill <see cref="WalletBalance"/> and
/// <see cref="WalletAvailable"/> with the wallet's state right after the movement. <see cref="HoldId"/> names the hold a
/// payment captured (only for such payments).
/// </summary>
public sealed record PaymentDto(
    Guid Id,
    Guid CustomerId,
    Guid? WalletId,
    decimal Amount,
    string Currency,
    string Method,
    string Status,
    Guid? LedgerEntryId,
    string Description,
    string? Reference,
    decimal RefundedAmount,
    string? FailureCode,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? HoldId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? WalletBalance,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? WalletAvailable) : IdempotentResponse
{
    /// <summary>Used by EF queries, so the database returns only these columns.</summary>
    public static readonly Expression<Func<PaymentRecord, PaymentDto>> Projection = p => new PaymentDto(
        p.Id, p.CustomerId, p.WalletId, p.Amount, p.Currency, p.Method.ToString(), p.Status.ToString(),
        p.LedgerEntryId, p.Description, p.ExternalReference, p.RefundedAmount, p.FailureCode, p.CreatedAt, p.HoldId, null, null);

    public static PaymentDto From(PaymentRecord p, Domain.Wallets.Wallet? wallet = null) => new(
        p.Id, p.CustomerId, p.WalletId, p.Amount, p.Currency, p.Method.ToString(), p.Status.ToString(),
        p.LedgerEntryId, p.Description, p.ExternalReference, p.RefundedAmount, p.FailureCode, p.CreatedAt, p.HoldId,
        wallet?.Balance, wallet?.Available);
}

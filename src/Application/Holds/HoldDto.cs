using CleanWallet.Application.Common.Messaging;
using System.Linq.Expressions;
using System.Text.Json.Serialization;
using CleanWallet.Domain.Holds;

namespace CleanWallet.Application.Holds;

/// <summary>
/// A hold as the API shows it. Requests that place or release a hold also fill <see cref="WalletBalance"/> and
/// <see cref="WalletAvailable"/> with the wallet's state right after the change.
/// </summary>
public sealed record HoldDto(
    Guid Id,
    Guid WalletId,
    Guid CustomerId,
    decimal Amount,
    string Currency,
    string Status,
    decimal CapturedAmount,
    string Description,
    string? Reference,
    DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? OrderId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? PaymentId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? WalletBalance,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? WalletAvailable) : IdempotentResponse
{
    /// <summary>Used by EF queries, so the database returns only these columns.</summary>
    public static readonly Expression<Func<Hold, HoldDto>> Projection = h => new HoldDto(
        h.Id, h.WalletId, h.CustomerId, h.Amount, h.Currency, h.Status.ToString(), h.CapturedAmount, h.Description, h.Reference,
        h.ExpiresAt, h.CreatedAt, h.ClosedAt, h.OrderId, h.PaymentId, null, null);

    public static HoldDto From(Hold h, Domain.Wallets.Wallet? wallet = null) => new(
        h.Id, h.WalletId, h.CustomerId, h.Amount, h.Currency, h.Status.ToString(), h.CapturedAmount, h.Description, h.Reference,
        h.ExpiresAt, h.CreatedAt, h.ClosedAt, h.OrderId, h.PaymentId, wallet?.Balance, wallet?.Available);
}

using CleanWallet.Application.Common.Messaging;
using System.Linq.Expressions;
using System.Text.Json.Serialization;
using CleanWallet.Domain.Transfers;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Transfers;

/// <summary>
/// A transfer as the API shows it. <see cref="FromWalletBalance"/> is filled only in the sender's answer to the
/// transfer request: the destination's owner, who may also read the transfer, never sees the sender's balance.
/// </summary>
public sealed record TransferDto(
    Guid Id,
    Guid FromWalletId,
    Guid ToWalletId,
    decimal Amount,
    string Currency,
    string Description,
    Guid OutEntryId,
    Guid InEntryId,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? FromWalletBalance) : IdempotentResponse
{
    /// <summary>Used by EF queries, so the database returns only these columns.</summary>
    public static readonly Expression<Func<Transfer, TransferDto>> Projection = t => new TransferDto(
        t.Id, t.FromWalletId, t.ToWalletId, t.Amount, t.Currency, t.Description, t.OutEntryId, t.InEntryId, t.CreatedAt, null);

    public static TransferDto ForSender(Transfer t, Wallet from) => new(
        t.Id, t.FromWalletId, t.ToWalletId, t.Amount, t.Currency, t.Description, t.OutEntryId, t.InEntryId, t.CreatedAt, from.Balance);
}

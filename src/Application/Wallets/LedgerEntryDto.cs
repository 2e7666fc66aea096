using System.Linq.Expressions;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Wallets;

public sealed record LedgerEntryDto(
    Guid Id,
    Guid WalletId,
    long Sequence,
    string Type,
    string Direction,
    decimal Amount,
    decimal BalanceBefore,
    decimal BalanceAfter,
    string ReferenceType,
    Guid ReferenceId,
    string Description,
    string Actor,
    DateTimeOffset CreatedAt)
{
    public static readonly Expression<Func<LedgerEntry, LedgerEntryDto>> Projection = e => new LedgerEntryDto(
        e.Id, e.WalletId, e.Sequence, e.Type.ToString(), e.Direction.ToString(), e.Amount, e.BalanceBefore, e.BalanceAfter,
        e.ReferenceType, e.ReferenceId, e.Description, e.Actor, e.CreatedAt);
}

using System.Linq.Expressions;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Wallets;

/// <summary>A wallet as the API shows it: <see cref="Available"/> is balance + credit limit - held (Active holds, e.g. orders being fulfilled).</summary>
public sealed record WalletDto(Guid Id, Guid CustomerId, string Currency, decimal Balance, decimal Available, decimal CreditLimit, string Status)
{
    public static readonly Expression<Func<Wallet, WalletDto>> Projection = w => new WalletDto(
        w.Id, w.CustomerId, w.Currency, w.Balance, w.Balance + w.CreditLimit - w.Held, w.CreditLimit, w.Status.ToString());
}

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

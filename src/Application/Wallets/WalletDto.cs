using CleanWallet.Application.Common.Messaging;
using System.Linq.Expressions;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Wallets;

/// <summary>A wallet: <see cref="Held"/> is what its Active holds reserve; <see cref="Available"/> = balance + credit limit - held.</summary>
public sealed record WalletDto(Guid Id, Guid CustomerId, string Currency, decimal Balance, decimal Held, decimal Available, decimal CreditLimit,
    string Status) : IdempotentResponse
{
    public static readonly Expression<Func<Wallet, WalletDto>> Projection = w => new WalletDto(
        w.Id, w.CustomerId, w.Currency, w.Balance, w.Held, Wallet.AvailableOf(w.Balance, w.CreditLimit, w.Held), w.CreditLimit, w.Status.ToString());

    /// <summary>
    /// A wallet from its stored columns, for a read that does not go through <see cref="Projection"/> (the hand-written
    /// <c>GET /wallets/{id}</c>): the same fields, <see cref="Available"/> by the aggregate's own rule. A test compares
    /// both paths on the same wallets.
    /// </summary>
    public static WalletDto Of(Guid id, Guid customerId, string currency, decimal balance, decimal held, decimal creditLimit, string status) =>
        new(id, customerId, currency, balance, held, Wallet.AvailableOf(balance, creditLimit, held), creditLimit, status);

    // The very mapping the wallet queries use, so a command answers what GET /wallets/{id} would show. Declared after
    // Projection: static fields initialise in textual order.
    private static readonly Func<Wallet, WalletDto> Map = Projection.Compile();

    public static WalletDto From(Wallet wallet) => Map(wallet);
}

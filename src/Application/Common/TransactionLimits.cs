using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Common;

/// <summary>
/// The per-transaction maximum and the per-wallet daily spending limit, as settings. The wallet aggregate checks them
/// itself in every spending movement (it takes <see cref="Current"/> as a required argument); the day's spending is a
/// running total on the wallet row, read and updated under its row lock, so concurrent debits cannot both slip under
/// the limit and the check costs no query. Card charges, which move no wallet money out, check the maximum here.
/// </summary>
public sealed class TransactionLimits(IOptions<LimitOptions> options)
{
    /// <summary>The limits as the wallet aggregate takes them: its spending methods (holds today) check them themselves.</summary>
    public SpendingLimits Current => new(options.Value.MaxTransactionAmount, options.Value.DailyDebitLimit);

    /// <summary>The per-transaction maximum for a card charge (422 amount_over_limit), the same rule wallet movements obey.</summary>
    public void EnsureWithinMaximum(decimal amount) => Current.EnsureWithinMaximum(amount);
}

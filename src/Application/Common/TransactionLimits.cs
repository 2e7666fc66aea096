using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Common;

/// <summary>
/// The per-transaction maximum and the per-wallet daily debit limit. The day's spending is a running total on the
/// wallet row, read and updated under its row lock, so concurrent debits cannot both slip under the limit and the
/// check costs no query.
/// </summary>
public sealed class TransactionLimits(IOptions<LimitOptions> options)
{
    public const string AmountOverLimit = SpendingLimits.AmountOverLimit;

    /// <summary>The limits as the wallet aggregate takes them: its spending methods (holds today) check them themselves.</summary>
    public SpendingLimits Current => new(options.Value.MaxTransactionAmount, options.Value.DailyDebitLimit);

    public void EnsureWithinMaximum(decimal amount)
    {
        var maximum = options.Value.MaxTransactionAmount;
        if (amount > maximum)
            throw new DomainException(AmountOverLimit, $"One transaction may move at most {maximum:0.00}; {amount:0.00} was asked.",
                details: new Dictionary<string, object?> { ["limit"] = maximum, ["amount"] = amount });
    }

    /// <summary>
    /// For debits the customer makes (payments, orders, transfers out) on a wallet locked by this transaction, at the
    /// <paramref name="now"/> read after that lock, the time the debit is stamped with.
    /// </summary>
    public void EnsureDebitAllowed(Wallet lockedWallet, decimal amount, DateTimeOffset now)
    {
        EnsureWithinMaximum(amount);
        if (options.Value.DailyDebitLimit is { } limit)
            lockedWallet.EnsureWithinDailySpending(amount, limit, now);
    }
}

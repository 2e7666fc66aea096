using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Common;

/// <summary>
/// The per-transaction maximum and the per-wallet daily debit limit. The daily sum is read while the wallet row is
/// locked, so concurrent debits of one wallet cannot both slip under the limit.
/// </summary>
public sealed class TransactionLimits(IOptions<LimitOptions> options, IReadStore read, TimeProvider clock)
{
    public const string AmountOverLimit = "amount_over_limit";
    public const string DailyLimitExceeded = "daily_limit_exceeded";

    public void EnsureWithinMaximum(decimal amount)
    {
        var maximum = options.Value.MaxTransactionAmount;
        if (amount > maximum)
            throw new DomainException(AmountOverLimit, $"One transaction may move at most {maximum:0.00}; {amount:0.00} was asked.",
                details: new Dictionary<string, object?> { ["limit"] = maximum, ["amount"] = amount });
    }

    /// <summary>
    /// For debits the customer makes (payments, orders, transfers out): only those count towards the day. Usage
    /// charges and admin corrections are not the customer's spending.
    /// </summary>
    public async Task EnsureDebitAllowedAsync(Wallet lockedWallet, decimal amount, CancellationToken ct)
    {
        EnsureWithinMaximum(amount);
        if (options.Value.DailyDebitLimit is not { } limit)
            return;

        var dayStart = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        var walletId = lockedWallet.Id;
        var spentToday = await read.SumAsync(read.LedgerEntries
            .Where(e => e.WalletId == walletId && e.CreatedAt >= dayStart
                        && (e.Type == LedgerEntryType.Payment || e.Type == LedgerEntryType.TransferOut))
            .Select(e => e.Amount), ct);
        if (spentToday + amount > limit)
            throw new DomainException(DailyLimitExceeded,
                $"The wallet may spend {limit:0.00} {lockedWallet.Currency} a day; {spentToday:0.00} is spent today, so {amount:0.00} is too much.",
                details: new Dictionary<string, object?> { ["limit"] = limit, ["spentToday"] = spentToday, ["amount"] = amount });
    }
}

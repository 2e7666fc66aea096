using CleanWallet.Domain.Common;

namespace CleanWallet.Domain.Wallets;

/// <summary>
/// The risk limits every spending movement of a wallet obeys (payments, transfers out, holds): at most
/// <see cref="MaxTransaction"/> per movement, and at most <see cref="DailyLimit"/> per UTC day (null: no daily limit).
/// The wallet's spending methods take it as a required argument and check it themselves, so no caller can skip it; the
/// values are settings, supplied by the application.
/// </summary>
public sealed record SpendingLimits(decimal MaxTransaction, decimal? DailyLimit)
{
    /// <summary>No limit at all: for tests and tools that exercise other rules.</summary>
    public static SpendingLimits None { get; } = new(decimal.MaxValue, null);

    /// <summary>Refuses one movement above <see cref="MaxTransaction"/> (422 amount_over_limit).</summary>
    public void EnsureWithinMaximum(decimal amount)
    {
        if (amount > MaxTransaction)
            throw new DomainException(ErrorCodes.AmountOverLimit, $"One transaction may move at most {MaxTransaction:0.00}; {amount:0.00} was asked.",
                details: new Dictionary<string, object?> { ["limit"] = MaxTransaction, ["amount"] = amount });
    }
}

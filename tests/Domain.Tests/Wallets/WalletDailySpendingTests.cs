using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.Wallets;

public sealed class WalletDailySpendingTests
{
    [Fact]
    public void Payments_and_transfers_out_count_towards_the_day_and_usage_and_corrections_do_not()
    {
        var wallet = TestData.PaygWallet(100m);

        wallet.Debit(10m, LedgerEntryType.Payment, TestData.AnyReference(), "x", "test", TestData.Now);
        wallet.Debit(5m, LedgerEntryType.TransferOut, TestData.AnyReference(), "x", "test", TestData.Now);
        wallet.Debit(7m, LedgerEntryType.AdjustmentDebit, TestData.AnyReference(), "x", "test", TestData.Now);
        wallet.Debit(3m, LedgerEntryType.UsageCharge, TestData.AnyReference(), "x", "test", TestData.Now);

        Assert.Equal(15m, wallet.SpentOn(TestData.Now));
    }

    [Fact]
    public void The_total_starts_again_on_a_new_utc_day()
    {
        var wallet = TestData.PaygWallet(100m);
        wallet.Debit(40m, LedgerEntryType.Payment, TestData.AnyReference(), "x", "test", TestData.Now);
        var tomorrow = TestData.Now.AddDays(1);

        Assert.Equal(0m, wallet.SpentOn(tomorrow));
        wallet.Debit(1m, LedgerEntryType.Payment, TestData.AnyReference(), "x", "test", tomorrow);
        Assert.Equal(1m, wallet.SpentOn(tomorrow));
        Assert.Equal(DateOnly.FromDateTime(tomorrow.UtcDateTime), wallet.SpendingDay);
    }

    [Fact]
    public void Spending_beyond_the_daily_limit_is_refused_with_the_amounts()
    {
        var wallet = TestData.PaygWallet(100m);
        wallet.Debit(60m, LedgerEntryType.Payment, TestData.AnyReference(), "x", "test", TestData.Now);

        wallet.EnsureWithinDailySpending(40m, 100m, TestData.Now);
        var refused = Assert.Throws<DomainException>(() => wallet.EnsureWithinDailySpending(40.01m, 100m, TestData.Now));

        Assert.Equal(ErrorCodes.DailyLimitExceeded, refused.Code);
        Assert.Equal(60m, refused.Details["spentToday"]);
    }
}

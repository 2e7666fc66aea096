using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.Wallets;

public sealed class WalletTimeOrderTests
{
    private static readonly DateTimeOffset JustAfterMidnight = new(2026, 11, 1, 0, 0, 1, TimeSpan.Zero);
    private static readonly DateTimeOffset JustBeforeMidnight = new(2026, 10, 31, 23, 59, 59, TimeSpan.Zero);

    [Fact]
    public void An_entry_asked_for_at_an_earlier_time_is_stamped_with_the_previous_entrys_time()
    {
        var wallet = TestData.PaygWallet(100m);
        var later = wallet.Debit(10m, LedgerEntryType.Payment, TestData.AnyReference(), "x", "test", JustAfterMidnight);

        var clockBehind = wallet.Credit(5m, LedgerEntryType.Refund, TestData.AnyReference(), "x", "test", JustBeforeMidnight);

        Assert.Equal(later.Sequence + 1, clockBehind.Sequence);
        Assert.Equal(JustAfterMidnight, clockBehind.CreatedAt);
        Assert.Equal(JustAfterMidnight, wallet.LastEntryAt);
    }

    [Fact]
    public void Every_kind_of_movement_keeps_time_in_sequence_order_whatever_the_clock_says()
    {
        var wallet = TestData.PaygWallet(100m);
        var start = TestData.Now.AddHours(1);
        var clockReadings = new[] { 0, -5, 3, -60, 10, 9, 10, -1 }.Select(s => start.AddSeconds(s)).ToArray();

        var entries = new List<LedgerEntry>();
        for (var i = 0; i < clockReadings.Length; i++)
            entries.Add((i % 4) switch
            {
                0 => wallet.Debit(1m, LedgerEntryType.Payment, TestData.AnyReference(), "x", "test", clockReadings[i]),
                1 => wallet.Credit(1m, LedgerEntryType.AdjustmentCredit, TestData.AnyReference(), "x", "test", clockReadings[i]),
                2 => wallet.ChargeUsage(1m, TestData.AnyReference(), "x", "test", clockReadings[i]),
                _ => wallet.Debit(1m, LedgerEntryType.TransferOut, TestData.AnyReference(), "x", "test", clockReadings[i]),
            });

        Assert.Equal(entries.OrderBy(e => e.Sequence).Select(e => e.Id), entries.OrderBy(e => e.CreatedAt).ThenBy(e => e.Sequence).Select(e => e.Id));
        for (var i = 1; i < entries.Count; i++)
            Assert.True(entries[i].CreatedAt >= entries[i - 1].CreatedAt, $"entry {i + 1} is stamped before entry {i}");
        // A clock that runs ahead again is used as it is.
        Assert.Equal(start.AddSeconds(10), entries[4].CreatedAt);
        Assert.Equal(start.AddSeconds(3), entries[2].CreatedAt);
        Assert.Equal(start.AddSeconds(3), entries[3].CreatedAt);
    }

    [Fact]
    public void A_debit_asked_for_before_midnight_after_one_stamped_after_midnight_counts_towards_the_new_day()
    {
        var wallet = TestData.PaygWallet(200m);
        wallet.Debit(60m, LedgerEntryType.Payment, TestData.AnyReference(), "x", "test", JustAfterMidnight);

        // The limit sees the 60 already spent on the day the entry will be stamped on; the old day's total is not reset.
        var refused = Assert.Throws<DomainException>(() => wallet.EnsureWithinDailySpending(50m, 100m, JustBeforeMidnight));
        Assert.Equal(ErrorCodes.DailyLimitExceeded, refused.Code);
        Assert.Equal(60m, refused.Details["spentToday"]);

        wallet.Debit(30m, LedgerEntryType.Payment, TestData.AnyReference(), "x", "test", JustBeforeMidnight);
        Assert.Equal(DateOnly.FromDateTime(JustAfterMidnight.UtcDateTime), wallet.SpendingDay);
        Assert.Equal(90m, wallet.SpentOn(JustAfterMidnight));
    }

    [Fact]
    public void A_new_wallet_stamps_its_first_entry_at_the_time_asked()
    {
        var wallet = TestData.PaygWallet();
        Assert.Null(wallet.LastEntryAt);
        Assert.Equal(JustBeforeMidnight, wallet.EntryTimeAt(JustBeforeMidnight));

        var entry = wallet.Credit(1m, LedgerEntryType.Deposit, TestData.AnyReference(), "x", "test", JustBeforeMidnight);

        Assert.Equal(JustBeforeMidnight, entry.CreatedAt);
    }
}

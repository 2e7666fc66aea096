using CleanWallet.Domain.Adjustments;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.Adjustments;

public sealed class AdjustmentTests
{
    private static readonly DateTimeOffset Now = TestData.Now;

    [Fact]
    public void A_credit_adds_an_AdjustmentCredit_entry_and_links_both_ways()
    {
        var wallet = TestData.PaygWallet(10m);

        var (adjustment, entry) = wallet.Adjust(LedgerDirection.Credit, Money.Of(25.5m, "EUR"), "Goodwill for outage #12", SpendingLimits.None, "admin:bootstrap", Now);

        Assert.NotEqual(Guid.Empty, adjustment.Id);
        Assert.Equal(wallet.Id, adjustment.WalletId);
        Assert.Equal(LedgerDirection.Credit, adjustment.Direction);
        Assert.Equal(25.50m, adjustment.Amount);
        Assert.Equal("Goodwill for outage #12", adjustment.Reason);
        Assert.Equal("admin:bootstrap", adjustment.Actor);
        Assert.Equal(Now, adjustment.CreatedAt);
        Assert.Equal(entry.Id, adjustment.LedgerEntryId);

        Assert.Equal(LedgerEntryType.AdjustmentCredit, entry.Type);
        Assert.Equal(LedgerReference.Adjustment, entry.ReferenceType);
        Assert.Equal(adjustment.Id, entry.ReferenceId);
        Assert.Equal("Goodwill for outage #12", entry.Description);
        Assert.Equal("admin:bootstrap", entry.Actor);
        Assert.Equal(10m, entry.BalanceBefore);
        Assert.Equal(35.5m, entry.BalanceAfter);
        Assert.Equal(35.5m, wallet.Balance);
        Assert.Equal(2L, entry.Sequence);
    }

    [Fact]
    public void A_debit_adds_an_AdjustmentDebit_entry()
    {
        var wallet = TestData.PaygWallet(10m);

        var (adjustment, entry) = wallet.Adjust(LedgerDirection.Debit, Money.Of(10m, "EUR"), "Duplicate top-up reversed", SpendingLimits.None, "admin:k", Now);

        Assert.Equal(LedgerDirection.Debit, adjustment.Direction);
        Assert.Equal(LedgerEntryType.AdjustmentDebit, entry.Type);
        Assert.Equal(LedgerDirection.Debit, entry.Direction);
        Assert.Equal(0m, entry.BalanceAfter);
        Assert.Equal(0m, wallet.Balance);
    }

    [Fact]
    public void A_debit_may_not_take_a_payg_wallet_below_zero()
    {
        var wallet = TestData.PaygWallet(10m);

        var ex = Assert.Throws<DomainException>(() =>
            wallet.Adjust(LedgerDirection.Debit, Money.Of(10.01m, "EUR"), "Too much", SpendingLimits.None, "admin:k", Now));

        Assert.Equal(ErrorCodes.InsufficientFunds, ex.Code);
        Assert.Equal(10m, wallet.Balance);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Fact]
    public void A_debit_may_take_an_invoice_wallet_down_to_minus_its_credit_limit_and_no_further()
    {
        var wallet = TestData.InvoiceWallet(creditLimit: 100m);

        wallet.Adjust(LedgerDirection.Debit, Money.Of(100m, "EUR"), "Late fee", SpendingLimits.None, "admin:k", Now);
        var ex = Assert.Throws<DomainException>(() =>
            wallet.Adjust(LedgerDirection.Debit, Money.Of(0.01m, "EUR"), "One cent more", SpendingLimits.None, "admin:k", Now));

        Assert.Equal(ErrorCodes.InsufficientFunds, ex.Code);
        Assert.Equal(-100m, wallet.Balance);
    }

    [Fact]
    public void A_frozen_wallet_refuses_a_debit_but_takes_a_credit()
    {
        var wallet = TestData.PaygWallet(50m);
        wallet.Freeze();

        var ex = Assert.Throws<DomainException>(() =>
            wallet.Adjust(LedgerDirection.Debit, Money.Of(1m, "EUR"), "Correction", SpendingLimits.None, "admin:k", Now));
        Assert.Equal(ErrorCodes.WalletFrozen, ex.Code);
        Assert.Equal(50m, wallet.Balance);

        wallet.Adjust(LedgerDirection.Credit, Money.Of(5m, "EUR"), "Correction", SpendingLimits.None, "admin:k", Now);
        Assert.Equal(55m, wallet.Balance);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_reason_is_mandatory_and_nothing_moves_without_one(string reason)
    {
        var wallet = TestData.PaygWallet(10m);

        var ex = Assert.Throws<DomainException>(() => wallet.Adjust(LedgerDirection.Credit, Money.Of(1m, "EUR"), reason, SpendingLimits.None, "admin:k", Now));

        Assert.Equal(ErrorCodes.InvalidArgument, ex.Code);
        Assert.Equal(10m, wallet.Balance);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Fact]
    public void A_reason_may_have_500_characters_and_no_more()
    {
        var wallet = TestData.PaygWallet();

        wallet.Adjust(LedgerDirection.Credit, Money.Of(1m, "EUR"), new string('r', Adjustment.MaxReasonLength), SpendingLimits.None, "admin:k", Now);
        var ex = Assert.Throws<DomainException>(() =>
            wallet.Adjust(LedgerDirection.Credit, Money.Of(1m, "EUR"), new string('r', Adjustment.MaxReasonLength + 1), SpendingLimits.None, "admin:k", Now));

        Assert.Equal(ErrorCodes.InvalidArgument, ex.Code);
        Assert.Equal(1m, wallet.Balance);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(0.001)]
    public void The_amount_must_be_positive_with_at_most_two_decimals(double amount)
    {
        var wallet = TestData.PaygWallet(10m);

        var ex = Assert.Throws<DomainException>(() =>
            wallet.Adjust(LedgerDirection.Credit, Money.Of((decimal)amount, "EUR"), "Correction", SpendingLimits.None, "admin:k", Now));

        Assert.Equal(ErrorCodes.InvalidAmount, ex.Code);
        Assert.Equal(10m, wallet.Balance);
    }

    [Fact]
    public void An_adjustment_needs_an_actor()
    {
        var wallet = TestData.PaygWallet(10m);

        Assert.Throws<ArgumentException>(() => wallet.Adjust(LedgerDirection.Credit, Money.Of(1m, "EUR"), "Correction", SpendingLimits.None, " ", Now));
        Assert.Equal(10m, wallet.Balance);
    }
}

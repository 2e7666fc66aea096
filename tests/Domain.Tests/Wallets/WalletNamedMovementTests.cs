using CleanWallet.Domain.Common;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Transfers;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.Wallets;

/// <summary>
/// Every movement of a wallet's money is a method of the aggregate that checks all of its rules itself: a caller that
/// forgets a check cannot skip it, because there is nothing else to call.
/// </summary>
public sealed class WalletNamedMovementTests
{
    private static readonly DateTimeOffset Now = TestData.Now;
    private static readonly SpendingLimits Limits = new(MaxTransaction: 1000m, DailyLimit: 100m);

    private static Money Eur(decimal amount) => Money.Of(amount, "EUR");

    [Fact]
    public void A_payment_makes_a_paid_wallet_payment_and_one_payment_entry_linked_both_ways()
    {
        var wallet = TestData.PaygWallet(50m);

        var (payment, entry) = wallet.Pay(Eur(20m), "Order 1001", "ext-1", Limits, "customer:a", Now);

        Assert.Equal(PaymentStatus.Paid, payment.Status);
        Assert.Equal(PaymentMethod.Wallet, payment.Method);
        Assert.Equal(entry.Id, payment.LedgerEntryId);
        Assert.Equal(LedgerEntryType.Payment, entry.Type);
        Assert.Equal(LedgerReference.ForPayment(payment.Id), new LedgerReference(entry.ReferenceType, entry.ReferenceId));
        Assert.Equal(30m, wallet.Balance);
        Assert.Equal(20m, wallet.SpentOn(Now));
    }

    [Fact]
    public void A_payment_over_the_daily_limit_is_refused_by_the_wallet_itself_and_changes_nothing()
    {
        var wallet = TestData.PaygWallet(500m);
        wallet.Pay(Eur(80m), "First", null, Limits, "customer:a", Now);

        var ex = Assert.Throws<DomainException>(() => wallet.Pay(Eur(20.01m), "Second", null, Limits, "customer:a", Now));

        Assert.Equal(ErrorCodes.DailyLimitExceeded, ex.Code);
        Assert.Equal(420m, wallet.Balance);
        Assert.Equal(80m, wallet.SpentOn(Now));
        Assert.Equal(2L, wallet.LastSequence);
    }

    [Fact]
    public void A_payment_over_the_per_transaction_maximum_is_refused()
    {
        var wallet = TestData.PaygWallet(5000m);

        var ex = Assert.Throws<DomainException>(() =>
            wallet.Pay(Eur(1000.01m), "Big", null, new SpendingLimits(1000m, null), "customer:a", Now));

        Assert.Equal(ErrorCodes.AmountOverLimit, ex.Code);
        Assert.Equal(5000m, wallet.Balance);
    }

    [Fact]
    public void A_payment_cannot_spend_money_reserved_by_a_hold()
    {
        var wallet = TestData.PaygWallet(50m);
        wallet.PlaceHold(Eur(40m), "Reserved", null, Now.AddHours(1), SpendingLimits.None, "customer:a", Now);

        var ex = Assert.Throws<DomainException>(() => wallet.Pay(Eur(10.01m), "Too much", null, SpendingLimits.None, "customer:a", Now));

        Assert.Equal(ErrorCodes.InsufficientFunds, ex.Code);
        Assert.Equal(50m, wallet.Balance);
    }

    [Fact]
    public void A_payment_in_another_currency_is_refused()
    {
        var wallet = TestData.PaygWallet(50m);

        var ex = Assert.Throws<DomainException>(() => wallet.Pay(Money.Of(1m, "USD"), "FX", null, Limits, "customer:a", Now));

        Assert.Equal(ErrorCodes.CurrencyMismatch, ex.Code);
        Assert.Equal(50m, wallet.Balance);
    }

    [Fact]
    public void A_frozen_wallet_refuses_a_payment()
    {
        var wallet = TestData.PaygWallet(50m);
        wallet.Freeze();

        var ex = Assert.Throws<DomainException>(() => wallet.Pay(Eur(1m), "Frozen", null, Limits, "customer:a", Now));

        Assert.Equal(ErrorCodes.WalletFrozen, ex.Code);
    }

    [Fact]
    public void A_transfer_out_counts_toward_and_is_refused_by_the_daily_limit()
    {
        var from = TestData.PaygWallet(500m);
        var to = TestData.PaygWallet();
        Transfer.Execute(from, to, Eur(60m), "First", Limits, "customer:a", Now);

        var ex = Assert.Throws<DomainException>(() => Transfer.Execute(from, to, Eur(40.01m), "Second", Limits, "customer:a", Now));

        Assert.Equal(ErrorCodes.DailyLimitExceeded, ex.Code);
        Assert.Equal(440m, from.Balance);
        Assert.Equal(60m, to.Balance);
        Assert.Equal(60m, from.SpentOn(Now));
    }

    [Fact]
    public void A_refund_credits_the_wallet_once_per_paid_amount_even_when_frozen()
    {
        var wallet = TestData.PaygWallet(50m);
        var (payment, _) = wallet.Pay(Eur(30m), "Order", null, Limits, "customer:a", Now);
        wallet.Freeze();

        var (refund, entry) = wallet.RefundPayment(payment, Eur(10m), "Partly returned", "admin:k", Now);
        var (rest, _) = wallet.RefundPayment(payment, null, "The rest", "admin:k", Now);
        var ex = Assert.Throws<DomainException>(() => wallet.RefundPayment(payment, Eur(0.01m), "Again", "admin:k", Now));

        Assert.Equal(LedgerEntryType.Refund, entry.Type);
        Assert.Equal(entry.Id, refund.LedgerEntryId);
        Assert.Equal(20m, rest.Amount);
        Assert.Equal(ErrorCodes.RefundExceedsPayment, ex.Code);
        Assert.Equal(50m, wallet.Balance);
        Assert.Equal(PaymentStatus.Refunded, payment.Status);
    }

    [Fact]
    public void A_wallet_refuses_to_refund_another_wallets_payment()
    {
        var wallet = TestData.PaygWallet(50m);
        var other = TestData.PaygWallet(50m);
        var (payment, _) = other.Pay(Eur(30m), "Order", null, Limits, "customer:b", Now);

        Assert.Throws<ArgumentException>(() => wallet.RefundPayment(payment, null, "Wrong wallet", "admin:k", Now));

        Assert.Equal(50m, wallet.Balance);
        Assert.Equal(0m, payment.RefundedAmount);
    }

    [Fact]
    public void An_approved_card_top_up_deposits_once_and_marks_the_payment_paid_even_on_a_frozen_wallet()
    {
        var wallet = TestData.PaygWallet();
        wallet.Freeze();
        var topUp = PaymentRecord.StartCardPayment(wallet.CustomerId, wallet.Id, 25m, "EUR", "Top-up", Now);

        var entry = wallet.DepositCardTopUp(topUp, "ch_1", "system:card", Now);

        Assert.Equal(LedgerEntryType.Deposit, entry.Type);
        Assert.Equal(PaymentStatus.Paid, topUp.Status);
        Assert.Equal(entry.Id, topUp.LedgerEntryId);
        Assert.Equal(25m, wallet.Balance);
    }

    [Fact]
    public void An_admin_debit_obeys_the_per_transaction_maximum_but_not_the_daily_spending_limit()
    {
        var wallet = TestData.PaygWallet(900m);

        wallet.Adjust(LedgerDirection.Debit, Eur(150m), "Correction above the daily limit", Limits, "admin:k", Now);
        var ex = Assert.Throws<DomainException>(() =>
            wallet.Adjust(LedgerDirection.Debit, Eur(1000.01m), "Above the maximum", Limits, "admin:k", Now));

        Assert.Equal(ErrorCodes.AmountOverLimit, ex.Code);
        Assert.Equal(750m, wallet.Balance);
        Assert.Equal(0m, wallet.SpentOn(Now));
    }
}

using CleanWallet.Domain.Common;
using CleanWallet.Domain.Holds;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.Holds;

public class WalletHoldTests
{
    private static readonly DateTimeOffset Now = TestData.Now;
    private static readonly DateTimeOffset Expiry = Now.AddDays(7);

    private static Money Eur(decimal amount) => Money.Of(amount, "EUR");

    private static Hold Place(Wallet wallet, decimal amount, SpendingLimits? limits = null, DateTimeOffset? now = null,
        DateTimeOffset? expiresAt = null) =>
        wallet.PlaceHold(Eur(amount), "Hotel", "BK-1", expiresAt ?? Expiry, limits ?? SpendingLimits.None, "user:1", now ?? Now);

    [Fact]
    public void Placing_a_hold_reserves_funds_without_touching_the_balance_or_ledger()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);

        var hold = Place(wallet, 30m);

        Assert.Equal(HoldStatus.Active, hold.Status);
        Assert.Equal(wallet.Id, hold.WalletId);
        Assert.Equal(wallet.CustomerId, hold.CustomerId);
        Assert.Equal(30m, hold.Amount);
        Assert.Equal("EUR", hold.Currency);
        Assert.Equal(0m, hold.CapturedAmount);
        Assert.Null(hold.PaymentId);
        Assert.Null(hold.ClosedAt);
        Assert.Equal(Expiry, hold.ExpiresAt);
        Assert.Equal(100m, wallet.Balance);
        Assert.Equal(30m, wallet.Held);
        Assert.Equal(70m, wallet.Available);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Fact]
    public void A_hold_beyond_available_funds_including_other_holds_is_refused_and_changes_nothing()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        Place(wallet, 60m);

        var ex = Assert.Throws<DomainException>(() => Place(wallet, 40.01m));

        Assert.Equal(ErrorCodes.InsufficientFunds, ex.Code);
        Assert.Equal(60m, wallet.Held);
        Assert.Equal(40m, wallet.Available);
    }

    [Fact]
    public void An_invoice_wallet_may_hold_its_credit_limit()
    {
        var wallet = TestData.InvoiceWallet(creditLimit: 50m);

        Place(wallet, 50m);

        Assert.Equal(0m, wallet.Available);
        Assert.Equal(ErrorCodes.InsufficientFunds, Assert.Throws<DomainException>(() => Place(wallet, 0.01m)).Code);
    }

    [Fact]
    public void A_frozen_wallet_refuses_a_hold()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        wallet.Freeze();

        Assert.Equal(ErrorCodes.WalletFrozen, Assert.Throws<DomainException>(() => Place(wallet, 1m)).Code);
        Assert.Equal(0m, wallet.Held);
    }

    [Fact]
    public void A_hold_over_the_transaction_maximum_or_daily_limit_is_refused()
    {
        var wallet = TestData.PaygWallet(initialBalance: 1000m);
        var limits = new SpendingLimits(MaxTransaction: 300m, DailyLimit: 500m);

        Assert.Equal(ErrorCodes.AmountOverLimit, Assert.Throws<DomainException>(() => Place(wallet, 300.01m, limits)).Code);
        Place(wallet, 300m, limits);
        Assert.Equal(ErrorCodes.DailyLimitExceeded, Assert.Throws<DomainException>(() => Place(wallet, 200.01m, limits)).Code);
        Assert.Equal(300m, wallet.Held);
        Assert.Equal(300m, wallet.SpentOn(Now));
    }

    [Fact]
    public void A_hold_in_another_currency_is_refused()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);

        var ex = Assert.Throws<DomainException>(() =>
            wallet.PlaceHold(Money.Of(1m, "USD"), "x", null, Expiry, SpendingLimits.None, "user:1", Now));

        Assert.Equal(ErrorCodes.CurrencyMismatch, ex.Code);
    }

    [Fact]
    public void A_hold_must_expire_after_it_is_placed_and_needs_a_description()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);

        Assert.Equal(ErrorCodes.InvalidArgument, Assert.Throws<DomainException>(() => Place(wallet, 1m, expiresAt: Now)).Code);
        Assert.Equal(ErrorCodes.InvalidArgument, Assert.Throws<DomainException>(() =>
            wallet.PlaceHold(Eur(1m), " ", null, Expiry, SpendingLimits.None, "user:1", Now)).Code);
        Assert.Equal(0m, wallet.Held);
    }

    [Fact]
    public void Capturing_all_of_a_hold_makes_one_paid_wallet_payment_and_its_payment_entry()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        var hold = Place(wallet, 30m);

        var capture = wallet.CaptureHold(hold, null, "user:1", Now.AddHours(1));

        Assert.Equal(PaymentStatus.Paid, capture.Payment.Status);
        Assert.Equal(PaymentMethod.Wallet, capture.Payment.Method);
        Assert.Equal(30m, capture.Payment.Amount);
        Assert.Equal(hold.Id, capture.Payment.HoldId);
        Assert.Equal("BK-1", capture.Payment.ExternalReference);
        Assert.Equal(capture.Entry.Id, capture.Payment.LedgerEntryId);
        Assert.Equal(LedgerEntryType.Payment, capture.Entry.Type);
        Assert.Equal(30m, capture.Entry.Amount);
        Assert.Equal(LedgerReference.ForPayment(capture.Payment.Id), new LedgerReference(capture.Entry.ReferenceType, capture.Entry.ReferenceId));
        Assert.Equal(HoldStatus.Captured, hold.Status);
        Assert.Equal(30m, hold.CapturedAmount);
        Assert.Equal(capture.Payment.Id, hold.PaymentId);
        Assert.Equal(Now.AddHours(1), hold.ClosedAt);
        Assert.Equal(70m, wallet.Balance);
        Assert.Equal(0m, wallet.Held);
        Assert.Equal(70m, wallet.Available);
    }

    [Fact]
    public void Capturing_part_of_a_hold_releases_the_rest_and_gives_it_back_to_the_days_spending()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        var hold = Place(wallet, 50m);
        Place(wallet, 10m);

        wallet.CaptureHold(hold, Eur(20m), "user:1", Now);

        Assert.Equal(20m, hold.CapturedAmount);
        Assert.Equal(80m, wallet.Balance);
        Assert.Equal(10m, wallet.Held);
        Assert.Equal(70m, wallet.Available);
        Assert.Equal(30m, wallet.SpentOn(Now)); // 20.00 captured + 10.00 still held
    }

    [Fact]
    public void Capturing_more_than_the_hold_is_refused_and_changes_nothing()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        var hold = Place(wallet, 50m);

        var ex = Assert.Throws<DomainException>(() => wallet.CaptureHold(hold, Eur(50.01m), "user:1", Now));

        Assert.Equal(ErrorCodes.CaptureExceedsHold, ex.Code);
        Assert.Equal(DomainErrorKind.RuleViolation, ex.Kind);
        Assert.Equal(HoldStatus.Active, hold.Status);
        Assert.Equal(100m, wallet.Balance);
        Assert.Equal(50m, wallet.Held);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Fact]
    public void A_hold_past_its_expiry_cannot_be_captured()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        var hold = Place(wallet, 50m, expiresAt: Now.AddMinutes(1));

        var ex = Assert.Throws<DomainException>(() => wallet.CaptureHold(hold, null, "user:1", Now.AddMinutes(1)));

        Assert.Equal(ErrorCodes.HoldExpired, ex.Code);
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        Assert.Equal(HoldStatus.Active, hold.Status);
        Assert.Equal(50m, wallet.Held);
    }

    [Fact]
    public void A_hold_is_settled_once_capture_void_and_expiry_after_a_capture_are_conflicts()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        var hold = Place(wallet, 50m, expiresAt: Now.AddMinutes(1));
        wallet.CaptureHold(hold, Eur(10m), "user:1", Now);

        Assert.Equal(ErrorCodes.HoldNotActive, Assert.Throws<DomainException>(() => wallet.CaptureHold(hold, null, "user:1", Now)).Code);
        Assert.Equal(ErrorCodes.HoldNotActive, Assert.Throws<DomainException>(() => wallet.VoidHold(hold, Now)).Code);
        Assert.Equal(ErrorCodes.HoldNotActive, Assert.Throws<DomainException>(() => wallet.ExpireHold(hold, Now.AddHours(1))).Code);
        Assert.Equal(HoldStatus.Captured, hold.Status);
        Assert.Equal(90m, wallet.Balance);
        Assert.Equal(0m, wallet.Held);
    }

    [Fact]
    public void Voiding_a_hold_restores_available_funds_and_the_days_spending_without_an_entry()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        var hold = Place(wallet, 40m);

        wallet.VoidHold(hold, Now);

        Assert.Equal(HoldStatus.Voided, hold.Status);
        Assert.Equal(Now, hold.ClosedAt);
        Assert.Equal(100m, wallet.Available);
        Assert.Equal(0m, wallet.Held);
        Assert.Equal(0m, wallet.SpentOn(Now));
        Assert.Equal(1L, wallet.LastSequence);
        Assert.Equal(ErrorCodes.HoldNotActive, Assert.Throws<DomainException>(() => wallet.VoidHold(hold, Now)).Code);
    }

    [Fact]
    public void A_hold_placed_yesterday_and_voided_today_gives_nothing_back_to_todays_spending()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        var hold = Place(wallet, 40m);
        var tomorrow = Now.AddDays(1);
        wallet.Debit(30m, LedgerEntryType.Payment, TestData.AnyReference(), "purchase", "user:1", tomorrow);

        wallet.VoidHold(hold, tomorrow);

        Assert.Equal(30m, wallet.SpentOn(tomorrow));
        Assert.Equal(0m, wallet.Held);
        Assert.Equal(70m, wallet.Available);
    }

    [Fact]
    public void Only_a_hold_past_its_expiry_time_expires_and_then_it_cannot_be_captured_or_voided()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        var hold = Place(wallet, 40m, expiresAt: Now.AddMinutes(5));

        Assert.Equal(ErrorCodes.Conflict, Assert.Throws<DomainException>(() => wallet.ExpireHold(hold, Now.AddMinutes(4))).Code);
        Assert.Equal(HoldStatus.Active, hold.Status);
        wallet.ExpireHold(hold, Now.AddMinutes(5));

        Assert.Equal(HoldStatus.Expired, hold.Status);
        Assert.Equal(0m, wallet.Held);
        Assert.Equal(100m, wallet.Available);
        Assert.Equal(ErrorCodes.HoldExpired, Assert.Throws<DomainException>(() => wallet.CaptureHold(hold, null, "user:1", Now)).Code);
        Assert.Equal(ErrorCodes.HoldExpired, Assert.Throws<DomainException>(() => wallet.VoidHold(hold, Now)).Code);
    }

    [Fact]
    public void A_wallet_settles_only_its_own_holds()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        var other = TestData.PaygWallet(initialBalance: 100m);
        var hold = Place(other, 10m);

        Assert.Throws<ArgumentException>(() => wallet.CaptureHold(hold, null, "user:1", Now));
        Assert.Throws<ArgumentException>(() => wallet.VoidHold(hold, Now));
        Assert.Equal(HoldStatus.Active, hold.Status);
        Assert.Equal(10m, other.Held);
    }

    [Fact]
    public void An_orders_hold_is_settled_only_by_its_order()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        var order = OrderId.New(Now);
        var hold = wallet.PlaceHold(Eur(10m), "Order", null, Expiry, SpendingLimits.None, "user:1", Now, order);
        var free = Place(wallet, 5m);

        var ex = Assert.Throws<DomainException>(hold.EnsureSettledByClient);

        Assert.Equal(ErrorCodes.HoldBelongsToOrder, ex.Code);
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        Assert.Equal(order.Value, hold.OrderId);
        free.EnsureSettledByClient();
    }

    [Fact]
    public void Usage_is_charged_regardless_of_holds()
    {
        var wallet = TestData.PaygWallet(initialBalance: 100m);
        Place(wallet, 100m);

        wallet.ChargeUsage(30m, TestData.AnyReference(), "VM hour", "system:billing", Now);

        Assert.Equal(70m, wallet.Balance);
        Assert.Equal(100m, wallet.Held);
        Assert.Equal(-30m, wallet.Available);
        Assert.False(wallet.IsOverdrawn);
    }
}

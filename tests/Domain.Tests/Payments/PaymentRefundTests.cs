using CleanWallet.Domain.Common;
using CleanWallet.Domain.Payments;

namespace CleanWallet.Domain.Tests.Payments;

public class PaymentRefundTests
{
    private static readonly DateTimeOffset Now = TestData.Now;
    private static readonly DateTimeOffset Later = TestData.Now.AddMinutes(5);

    private static PaymentRecord PaidWalletPayment(decimal amount = 100m)
    {
        var payment = PaymentRecord.StartWalletPayment(Guid.NewGuid(), Guid.NewGuid(), amount, "ZAR", "Order", null, Now);
        payment.MarkPaid(Guid.NewGuid(), null, Now);
        return payment;
    }

    private static PaymentRecord PaidDirectCardPayment(decimal amount = 80m)
    {
        var payment = PaymentRecord.StartCardPayment(Guid.NewGuid(), null, amount, "ZAR", "Direct", Now);
        payment.MarkPaid(null, "gw-1", Now);
        return payment;
    }

    // ---- RegisterRefund ----

    [Fact]
    public void A_full_refund_makes_the_payment_Refunded()
    {
        var payment = PaidWalletPayment(100m);

        payment.RegisterRefund(100m, Later);

        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Equal(100m, payment.RefundedAmount);
        Assert.Equal(0m, payment.RefundableAmount);
        Assert.Equal(Later, payment.UpdatedAt);
        Assert.Equal(Now, payment.CreatedAt);
    }

    [Fact]
    public void A_partial_refund_makes_it_PartiallyRefunded_and_the_rest_makes_it_Refunded()
    {
        var payment = PaidWalletPayment(100m);

        payment.RegisterRefund(30.25m, Later);
        Assert.Equal(PaymentStatus.PartiallyRefunded, payment.Status);
        Assert.Equal(30.25m, payment.RefundedAmount);
        Assert.Equal(69.75m, payment.RefundableAmount);

        payment.RegisterRefund(69.75m, Later);
        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Equal(100m, payment.RefundedAmount);
    }

    [Fact]
    public void Many_small_refunds_add_up_exactly()
    {
        var payment = PaidWalletPayment(1m);

        for (var i = 0; i < 100; i++)
            payment.RegisterRefund(0.01m, Later);

        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Equal(1.00m, payment.RefundedAmount);
    }

    [Fact]
    public void A_direct_card_payment_is_refundable_too()
    {
        var payment = PaidDirectCardPayment(80m);

        payment.RegisterRefund(80m, Later);

        Assert.Equal(PaymentStatus.Refunded, payment.Status);
    }

    [Fact]
    public void More_than_was_paid_is_refund_exceeds_payment_and_changes_nothing()
    {
        var payment = PaidWalletPayment(100m);

        var ex = Assert.Throws<DomainException>(() => payment.RegisterRefund(100.01m, Later));

        Assert.Equal(ErrorCodes.RefundExceedsPayment, ex.Code);
        Assert.Equal("refund_exceeds_payment", ex.Code);
        Assert.Equal(DomainErrorKind.RuleViolation, ex.Kind);
        Assert.Equal(100.01m, ex.Details["requested"]);
        Assert.Equal(100m, ex.Details["refundable"]);
        Assert.Equal(PaymentStatus.Paid, payment.Status);
        Assert.Equal(0m, payment.RefundedAmount);
        Assert.Equal(Now, payment.UpdatedAt);
    }

    [Fact]
    public void More_than_is_left_after_a_partial_refund_is_refused_and_keeps_the_partial_state()
    {
        var payment = PaidWalletPayment(100m);
        payment.RegisterRefund(60m, Later);

        var ex = Assert.Throws<DomainException>(() => payment.RegisterRefund(40.01m, Later.AddMinutes(1)));

        Assert.Equal("refund_exceeds_payment", ex.Code);
        Assert.Equal(40m, ex.Details["refundable"]);
        Assert.Equal(60m, ex.Details["refunded"]);
        Assert.Equal(PaymentStatus.PartiallyRefunded, payment.Status);
        Assert.Equal(60m, payment.RefundedAmount);
        Assert.Equal(Later, payment.UpdatedAt);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0)]
    public void A_Refunded_payment_refuses_any_further_refund_as_exceeding_it(decimal amount)
    {
        var payment = PaidWalletPayment(100m);
        payment.RegisterRefund(100m, Later);

        var ex = Assert.Throws<DomainException>(() => payment.RegisterRefund(amount, Later));

        Assert.Equal("refund_exceeds_payment", ex.Code);
        Assert.Equal(DomainErrorKind.RuleViolation, ex.Kind);
        Assert.Equal(0m, ex.Details["refundable"]);
        Assert.Equal(PaymentStatus.Refunded, payment.Status);
        Assert.Equal(100m, payment.RefundedAmount);
    }

    [Fact]
    public void A_Pending_payment_cannot_be_refunded_409()
    {
        var payment = PaymentRecord.StartWalletPayment(Guid.NewGuid(), Guid.NewGuid(), 10m, "ZAR", "Order", null, Now);

        var ex = Assert.Throws<DomainException>(() => payment.RegisterRefund(10m, Later));

        Assert.Equal("conflict", ex.Code);
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        Assert.Equal(PaymentStatus.Pending, payment.Status);
        Assert.Equal(0m, payment.RefundedAmount);
    }

    [Fact]
    public void A_Failed_payment_cannot_be_refunded_409()
    {
        var payment = PaymentRecord.StartCardPayment(Guid.NewGuid(), null, 10m, "ZAR", "Direct", Now);
        payment.MarkFailed("card_declined", Now);

        var ex = Assert.Throws<DomainException>(() => payment.RegisterRefund(10m, Later));

        Assert.Equal("conflict", ex.Code);
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        Assert.Equal(PaymentStatus.Failed, payment.Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1.001)]
    public void An_invalid_amount_is_refused(decimal amount)
    {
        var payment = PaidWalletPayment();

        var ex = Assert.Throws<DomainException>(() => payment.RegisterRefund(amount, Later));

        Assert.Equal("invalid_amount", ex.Code);
        Assert.Equal(PaymentStatus.Paid, payment.Status);
        Assert.Equal(0m, payment.RefundedAmount);
    }

    [Fact]
    public void A_refunded_payment_cannot_be_marked_paid_or_failed_again()
    {
        var payment = PaidWalletPayment();
        payment.RegisterRefund(1m, Later);

        Assert.Equal(DomainErrorKind.Conflict, Assert.Throws<DomainException>(() => payment.MarkPaid(Guid.NewGuid(), null, Later)).Kind);
        Assert.Equal(DomainErrorKind.Conflict, Assert.Throws<DomainException>(() => payment.MarkFailed("x", Later)).Kind);
        Assert.Equal(PaymentStatus.PartiallyRefunded, payment.Status);
    }

    [Fact]
    public void IsCardTopUp_tells_a_top_up_from_a_direct_card_payment_and_a_wallet_payment()
    {
        Assert.True(PaymentRecord.StartCardPayment(Guid.NewGuid(), Guid.NewGuid(), 1m, "ZAR", "Top-up", Now).IsCardTopUp);
        Assert.False(PaymentRecord.StartCardPayment(Guid.NewGuid(), null, 1m, "ZAR", "Direct", Now).IsCardTopUp);
        Assert.False(PaymentRecord.StartWalletPayment(Guid.NewGuid(), Guid.NewGuid(), 1m, "ZAR", "Order", null, Now).IsCardTopUp);
    }

    // ---- Refund record ----

    [Fact]
    public void A_wallet_refund_names_its_ledger_entry_and_no_gateway_reference()
    {
        var payment = PaidWalletPayment(50m);
        payment.RegisterRefund(20m, Later);
        var entryId = Guid.NewGuid();

        var refund = Refund.ToWallet(payment, 20m, "Goods returned", entryId, "admin:1", Later);

        Assert.NotEqual(Guid.Empty, refund.Id);
        Assert.Equal(payment.Id, refund.PaymentId);
        Assert.Equal(20.00m, refund.Amount);
        Assert.Equal("Goods returned", refund.Reason);
        Assert.Equal(entryId, refund.LedgerEntryId);
        Assert.Null(refund.GatewayReference);
        Assert.Equal("admin:1", refund.Actor);
        Assert.Equal(Later, refund.CreatedAt);
    }

    [Fact]
    public void A_card_refund_names_the_processor_reference_and_no_ledger_entry()
    {
        var payment = PaidDirectCardPayment(80m);
        payment.RegisterRefund(80m, Later);

        var refund = Refund.ToCard(Guid.NewGuid(), payment, 80m, "Cancelled", "rf-9", "admin:1", Later);

        Assert.Null(refund.LedgerEntryId);
        Assert.Equal("rf-9", refund.GatewayReference);
    }

    [Fact]
    public void A_refund_must_go_back_where_the_money_came_from()
    {
        var wallet = PaidWalletPayment(50m);
        wallet.RegisterRefund(10m, Later);
        var card = PaidDirectCardPayment(50m);
        card.RegisterRefund(10m, Later);

        Assert.Throws<InvalidOperationException>(() => Refund.ToCard(Guid.NewGuid(), wallet, 10m, "r", "rf-1", "admin:1", Later));
        Assert.Throws<InvalidOperationException>(() => Refund.ToWallet(card, 10m, "r", Guid.NewGuid(), "admin:1", Later));
        Assert.Throws<ArgumentException>(() => Refund.ToWallet(wallet, 10m, "r", Guid.Empty, "admin:1", Later));
    }

    [Fact]
    public void A_refund_the_payment_has_not_registered_cannot_be_recorded()
    {
        var payment = PaidWalletPayment(50m);

        Assert.Throws<InvalidOperationException>(() => Refund.ToWallet(payment, 10m, "r", Guid.NewGuid(), "admin:1", Later));

        payment.RegisterRefund(10m, Later);
        Assert.Throws<InvalidOperationException>(() => Refund.ToWallet(payment, 10.01m, "r", Guid.NewGuid(), "admin:1", Later));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_refund_needs_a_reason(string reason)
    {
        var payment = PaidWalletPayment(50m);
        payment.RegisterRefund(10m, Later);

        var ex = Assert.Throws<DomainException>(() => Refund.ToWallet(payment, 10m, reason, Guid.NewGuid(), "admin:1", Later));

        Assert.Equal("invalid_argument", ex.Code);
    }

    [Fact]
    public void A_reason_may_have_500_characters_and_no_more()
    {
        var payment = PaidWalletPayment(50m);
        payment.RegisterRefund(10m, Later);

        Assert.Equal(500, Refund.ToWallet(payment, 10m, new string('r', 500), Guid.NewGuid(), "admin:1", Later).Reason.Length);
        Assert.Equal("invalid_argument", Assert.Throws<DomainException>(() =>
            Refund.ToWallet(payment, 10m, new string('r', 501), Guid.NewGuid(), "admin:1", Later)).Code);
        Assert.Equal(500, Refund.MaxReasonLength);
    }

    [Fact]
    public void A_refund_needs_an_actor()
    {
        var payment = PaidWalletPayment(50m);
        payment.RegisterRefund(10m, Later);

        Assert.Throws<ArgumentException>(() => Refund.ToWallet(payment, 10m, "r", Guid.NewGuid(), " ", Later));
    }
}

using CleanWallet.Domain.Payments;

namespace CleanWallet.Domain.Tests.Payments;

/// <summary>The rules a card payment's second phase relies on: its processor key, declines, and a charge that does not match.</summary>
public class CardChargeOutcomeTests
{
    private static readonly DateTimeOffset Now = TestData.Now;
    private static readonly DateTimeOffset Later = TestData.Now.AddMinutes(3);

    private static PaymentRecord CardTopUp(decimal amount = 20m) =>
        PaymentRecord.StartCardPayment(Guid.NewGuid(), Guid.NewGuid(), amount, "EUR", "Top-up", Now);

    [Fact]
    public void A_card_payment_carries_a_processor_key_derived_from_its_own_id_and_a_wallet_payment_none()
    {
        var first = CardTopUp();
        var second = CardTopUp();

        Assert.Equal($"charge:{first.Id}", first.GatewayIdempotencyKey);
        Assert.NotEqual(first.GatewayIdempotencyKey, second.GatewayIdempotencyKey);
        Assert.Null(PaymentRecord.StartWalletPayment(Guid.NewGuid(), Guid.NewGuid(), 1m, "EUR", "Order", null, Now).GatewayIdempotencyKey);
    }

    [Theory]
    [InlineData("do_not_honour", "do_not_honour")]
    [InlineData("insufficient_funds_51", "insufficient_funds_51")]
    [InlineData("Do_Not_Honour", "card_declined")]
    [InlineData("51", "card_declined")]
    [InlineData("stolen card", "card_declined")]
    [InlineData("", "card_declined")]
    [InlineData(null, "card_declined")]
    public void A_decline_keeps_the_processor_code_only_when_it_is_a_plain_short_code(string? processorCode, string recorded)
    {
        var payment = CardTopUp();

        payment.MarkDeclined(processorCode, "card_declined", Later);

        Assert.Equal(PaymentStatus.Failed, payment.Status);
        Assert.Equal(recorded, payment.FailureCode);
        Assert.Equal(Later, payment.UpdatedAt);
    }

    [Fact]
    public void A_decline_code_longer_than_the_column_is_replaced_by_the_fallback()
    {
        var payment = CardTopUp();

        payment.MarkDeclined(new string('x', PaymentRecord.MaxFailureCodeLength + 1), "card_declined", Later);

        Assert.Equal("card_declined", payment.FailureCode);
        Assert.True(PaymentRecord.IsUsableCode(new string('x', PaymentRecord.MaxFailureCodeLength)));
    }

    [Fact]
    public void A_failure_code_that_is_not_a_plain_code_is_refused()
    {
        Assert.Throws<ArgumentException>(() => CardTopUp().MarkFailed("Not a code", Later));
    }

    [Fact]
    public void A_matching_processor_charge_is_confirmed_and_changes_nothing()
    {
        var payment = CardTopUp(20m);

        Assert.True(payment.ConfirmProcessorCharge(20.00m, "EUR", Later));

        Assert.Null(payment.GatewayMismatch);
        Assert.Equal(Now, payment.UpdatedAt);
    }

    [Theory]
    [InlineData(21.00, "EUR")]
    [InlineData(20.00, "USD")]
    [InlineData(19.99, "eur")]
    public void A_processor_charge_of_another_amount_or_currency_is_flagged_and_never_completed(decimal amount, string currency)
    {
        var payment = CardTopUp(20m);

        Assert.False(payment.ConfirmProcessorCharge(amount, currency, Later));

        Assert.Equal(PaymentStatus.Pending, payment.Status);
        Assert.Contains("20.00 EUR", payment.GatewayMismatch);
        Assert.Contains(currency, payment.GatewayMismatch);
        Assert.Equal(Later, payment.UpdatedAt);
        Assert.Throws<InvalidOperationException>(() => payment.MarkPaid(Guid.NewGuid(), "ref", Later));
    }

    [Fact]
    public void An_oversized_processor_reference_is_cut_to_the_column_rather_than_losing_a_charged_payment()
    {
        var payment = PaymentRecord.StartCardPayment(Guid.NewGuid(), null, 5m, "EUR", "Direct", Now);

        payment.MarkPaid(ledgerEntryId: null, new string('r', 300), Later);

        Assert.Equal(PaymentStatus.Paid, payment.Status);
        Assert.Equal(PaymentRecord.MaxReferenceLength, payment.GatewayReference!.Length);
    }

    [Fact]
    public void A_card_refund_keeps_the_id_its_processor_key_was_derived_from()
    {
        var payment = PaymentRecord.StartCardPayment(Guid.NewGuid(), null, 50m, "EUR", "Direct", Now);
        payment.MarkPaid(null, "ch_1", Now);
        payment.RegisterRefund(10m, Later);
        var id = Guid.NewGuid();

        var refund = Refund.ToCard(id, payment, 10m, "Damaged", "rf_1", "admin:1", Later);

        Assert.Equal(id, refund.Id);
        Assert.Equal($"refund:{id}", Refund.GatewayIdempotencyKeyFor(refund.Id));
        Assert.Throws<ArgumentException>(() => Refund.ToCard(Guid.Empty, payment, 1m, "r", null, "admin:1", Later));
    }
}

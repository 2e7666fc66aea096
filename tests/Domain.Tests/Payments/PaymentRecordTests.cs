using CleanWallet.Domain.Common;
using CleanWallet.Domain.Payments;

namespace CleanWallet.Domain.Tests.Payments;

public class PaymentRecordTests
{
    private static readonly DateTimeOffset Now = TestData.Now;
    private static readonly DateTimeOffset Later = TestData.Now.AddMinutes(3);

    private static PaymentRecord WalletPayment(decimal amount = 12.34m) =>
        PaymentRecord.StartWalletPayment(Guid.NewGuid(), Guid.NewGuid(), amount, "EUR", "Order #7", "ext-7", Now);

    private static PaymentRecord DirectCardPayment() =>
        PaymentRecord.StartCardPayment(Guid.NewGuid(), null, 20m, "EUR", "Direct charge", Now);

    private static PaymentRecord CardTopUp() =>
        PaymentRecord.StartCardPayment(Guid.NewGuid(), Guid.NewGuid(), 20m, "EUR", "Top-up", Now);

    [Fact]
    public void StartWalletPayment_is_pending_with_method_wallet_and_all_fields()
    {
        var customerId = Guid.NewGuid();
        var walletId = Guid.NewGuid();

        var payment = PaymentRecord.StartWalletPayment(customerId, walletId, 12.34m, "EUR", "Order #7", "ext-7", Now);

        Assert.NotEqual(Guid.Empty, payment.Id);
        Assert.Equal(customerId, payment.CustomerId);
        Assert.Equal(walletId, payment.WalletId);
        Assert.Equal(12.34m, payment.Amount);
        Assert.Equal("EUR", payment.Currency);
        Assert.Equal(PaymentMethod.Wallet, payment.Method);
        Assert.Equal(PaymentStatus.Pending, payment.Status);
        Assert.Equal("Order #7", payment.Description);
        Assert.Equal("ext-7", payment.ExternalReference);
        Assert.Equal(0m, payment.RefundedAmount);
        Assert.Null(payment.LedgerEntryId);
        Assert.Null(payment.GatewayReference);
        Assert.Null(payment.FailureCode);
        Assert.Equal(Now, payment.CreatedAt);
        Assert.Equal(Now, payment.UpdatedAt);
    }

    [Fact]
    public void StartCardPayment_without_wallet_is_a_pending_direct_card_payment()
    {
        var payment = DirectCardPayment();

        Assert.Equal(PaymentMethod.Card, payment.Method);
        Assert.Equal(PaymentStatus.Pending, payment.Status);
        Assert.Null(payment.WalletId);
        Assert.Null(payment.ExternalReference);
    }

    [Fact]
    public void StartCardPayment_with_wallet_is_a_top_up_linked_to_the_wallet()
    {
        var walletId = Guid.NewGuid();

        var payment = PaymentRecord.StartCardPayment(Guid.NewGuid(), walletId, 20m, "EUR", "Top-up", Now);

        Assert.Equal(PaymentMethod.Card, payment.Method);
        Assert.Equal(walletId, payment.WalletId);
        Assert.Equal(PaymentStatus.Pending, payment.Status);
    }

    // ---- MarkPaid ----

    [Fact]
    public void MarkPaid_wallet_payment_with_ledger_entry_becomes_paid()
    {
        var payment = WalletPayment();
        var entryId = Guid.NewGuid();

        payment.MarkPaid(entryId, null, Later);

        Assert.Equal(PaymentStatus.Paid, payment.Status);
        Assert.Equal(entryId, payment.LedgerEntryId);
        Assert.Null(payment.GatewayReference);
        Assert.Equal(Later, payment.UpdatedAt);
        Assert.Equal(Now, payment.CreatedAt);
    }

    [Fact]
    public void MarkPaid_wallet_payment_without_ledger_entry_throws_and_stays_pending()
    {
        var payment = WalletPayment();

        Assert.Throws<InvalidOperationException>(() => payment.MarkPaid(null, null, Later));

        Assert.Equal(PaymentStatus.Pending, payment.Status);
        Assert.Null(payment.LedgerEntryId);
        Assert.Equal(Now, payment.UpdatedAt);
    }

    [Fact]
    public void MarkPaid_card_top_up_requires_ledger_entry()
    {
        var payment = CardTopUp();

        Assert.Throws<InvalidOperationException>(() => payment.MarkPaid(null, "gw-1", Later));
        Assert.Equal(PaymentStatus.Pending, payment.Status);

        var entryId = Guid.NewGuid();
        payment.MarkPaid(entryId, "gw-1", Later);
        Assert.Equal(PaymentStatus.Paid, payment.Status);
        Assert.Equal(entryId, payment.LedgerEntryId);
        Assert.Equal("gw-1", payment.GatewayReference);
    }

    [Fact]
    public void MarkPaid_direct_card_payment_cannot_have_a_ledger_entry()
    {
        var payment = DirectCardPayment();

        Assert.Throws<InvalidOperationException>(() => payment.MarkPaid(Guid.NewGuid(), "gw-1", Later));

        Assert.Equal(PaymentStatus.Pending, payment.Status);
        Assert.Null(payment.LedgerEntryId);
        Assert.Null(payment.GatewayReference);
    }

    [Fact]
    public void MarkPaid_direct_card_payment_without_ledger_entry_becomes_paid()
    {
        var payment = DirectCardPayment();

        payment.MarkPaid(null, "gw-42", Later);

        Assert.Equal(PaymentStatus.Paid, payment.Status);
        Assert.Null(payment.LedgerEntryId);
        Assert.Equal("gw-42", payment.GatewayReference);
        Assert.Equal(Later, payment.UpdatedAt);
    }

    [Fact]
    public void MarkPaid_twice_is_a_conflict_and_keeps_the_first_result()
    {
        var payment = WalletPayment();
        var firstEntry = Guid.NewGuid();
        payment.MarkPaid(firstEntry, null, Later);

        var ex = Assert.Throws<DomainException>(() => payment.MarkPaid(Guid.NewGuid(), "other", Later.AddMinutes(1)));

        Assert.Equal("conflict", ex.Code);
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        Assert.Equal(PaymentStatus.Paid, payment.Status);
        Assert.Equal(firstEntry, payment.LedgerEntryId);
        Assert.Null(payment.GatewayReference);
        Assert.Equal(Later, payment.UpdatedAt);
    }

    [Fact]
    public void MarkPaid_after_failed_is_a_conflict()
    {
        var payment = WalletPayment();
        payment.MarkFailed("card_declined", Later);

        var ex = Assert.Throws<DomainException>(() => payment.MarkPaid(Guid.NewGuid(), null, Later));

        Assert.Equal("conflict", ex.Code);
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        Assert.Equal(PaymentStatus.Failed, payment.Status);
        Assert.Null(payment.LedgerEntryId);
    }

    // ---- MarkFailed ----

    [Fact]
    public void MarkFailed_from_pending_becomes_failed_with_failure_code()
    {
        var payment = WalletPayment();

        payment.MarkFailed("insufficient_funds", Later);

        Assert.Equal(PaymentStatus.Failed, payment.Status);
        Assert.Equal("insufficient_funds", payment.FailureCode);
        Assert.Null(payment.LedgerEntryId);
        Assert.Equal(Later, payment.UpdatedAt);
    }

    [Fact]
    public void MarkFailed_after_paid_is_a_conflict_and_stays_paid()
    {
        var payment = WalletPayment();
        payment.MarkPaid(Guid.NewGuid(), null, Later);

        var ex = Assert.Throws<DomainException>(() => payment.MarkFailed("card_declined", Later.AddMinutes(1)));

        Assert.Equal("conflict", ex.Code);
        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        Assert.Equal(PaymentStatus.Paid, payment.Status);
        Assert.Null(payment.FailureCode);
        Assert.Equal(Later, payment.UpdatedAt);
    }

    [Fact]
    public void MarkFailed_twice_is_a_conflict_and_keeps_the_first_code()
    {
        var payment = DirectCardPayment();
        payment.MarkFailed("card_declined", Later);

        var ex = Assert.Throws<DomainException>(() => payment.MarkFailed("expired_card", Later));

        Assert.Equal("conflict", ex.Code);
        Assert.Equal("card_declined", payment.FailureCode);
    }

    // ---- Validation at start ----

    public static TheoryData<decimal> InvalidAmounts => new() { 0m, -0.01m, -5m, 1.001m, 0.009m };

    [Theory]
    [MemberData(nameof(InvalidAmounts))]
    public void StartWalletPayment_rejects_invalid_amount(decimal amount)
    {
        var ex = Assert.Throws<DomainException>(() =>
            PaymentRecord.StartWalletPayment(Guid.NewGuid(), Guid.NewGuid(), amount, "EUR", "d", null, Now));

        Assert.Equal("invalid_amount", ex.Code);
    }

    [Theory]
    [MemberData(nameof(InvalidAmounts))]
    public void StartCardPayment_rejects_invalid_amount(decimal amount)
    {
        var ex = Assert.Throws<DomainException>(() =>
            PaymentRecord.StartCardPayment(Guid.NewGuid(), null, amount, "EUR", "d", Now));

        Assert.Equal("invalid_amount", ex.Code);
    }

    [Theory]
    [InlineData("eur")]
    [InlineData("EU")]
    [InlineData("")]
    public void Start_rejects_invalid_currency(string currency)
    {
        var wallet = Assert.Throws<DomainException>(() =>
            PaymentRecord.StartWalletPayment(Guid.NewGuid(), Guid.NewGuid(), 1m, currency, "d", null, Now));
        var card = Assert.Throws<DomainException>(() =>
            PaymentRecord.StartCardPayment(Guid.NewGuid(), null, 1m, currency, "d", Now));

        Assert.Equal("invalid_argument", wallet.Code);
        Assert.Equal("invalid_argument", card.Code);
    }

    [Fact]
    public void Start_accepts_description_of_500_characters()
    {
        var description = new string('d', 500);

        var payment = PaymentRecord.StartWalletPayment(Guid.NewGuid(), Guid.NewGuid(), 1m, "EUR", description, null, Now);

        Assert.Equal(description, payment.Description);
    }

    [Fact]
    public void Start_rejects_description_over_500_characters()
    {
        var description = new string('d', 501);

        var wallet = Assert.Throws<DomainException>(() =>
            PaymentRecord.StartWalletPayment(Guid.NewGuid(), Guid.NewGuid(), 1m, "EUR", description, null, Now));
        var card = Assert.Throws<DomainException>(() =>
            PaymentRecord.StartCardPayment(Guid.NewGuid(), null, 1m, "EUR", description, Now));

        Assert.Equal("invalid_argument", wallet.Code);
        Assert.Equal("invalid_argument", card.Code);
    }

    [Fact]
    public void Start_accepts_reference_of_100_characters()
    {
        var reference = new string('r', 100);

        var payment = PaymentRecord.StartWalletPayment(Guid.NewGuid(), Guid.NewGuid(), 1m, "EUR", "d", reference, Now);

        Assert.Equal(reference, payment.ExternalReference);
    }

    [Fact]
    public void Start_rejects_reference_over_100_characters()
    {
        var ex = Assert.Throws<DomainException>(() =>
            PaymentRecord.StartWalletPayment(Guid.NewGuid(), Guid.NewGuid(), 1m, "EUR", "d", new string('r', 101), Now));

        Assert.Equal("invalid_argument", ex.Code);
    }

    [Fact]
    public void Limits_are_500_and_100()
    {
        Assert.Equal(500, PaymentRecord.MaxDescriptionLength);
        Assert.Equal(100, PaymentRecord.MaxReferenceLength);
    }
}

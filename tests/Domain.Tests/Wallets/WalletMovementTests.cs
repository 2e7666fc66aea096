using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.Wallets;

public class WalletMovementTests
{
    private static readonly DateTimeOffset Now = TestData.Now;

    [Fact]
    public void Credit_returns_a_fully_populated_ledger_entry_and_moves_the_balance()
    {
        var wallet = TestData.PaygWallet();
        var paymentId = Guid.NewGuid();

        var entry = wallet.Credit(25.50m, LedgerEntryType.Deposit, LedgerReference.ForPayment(paymentId),
            "Top-up by card", "user:42", Now);

        Assert.NotEqual(Guid.Empty, entry.Id);
        Assert.Equal(wallet.Id, entry.WalletId);
        Assert.Equal(1L, entry.Sequence);
        Assert.Equal(LedgerEntryType.Deposit, entry.Type);
        Assert.Equal(LedgerDirection.Credit, entry.Direction);
        Assert.Equal(25.50m, entry.Amount);
        Assert.Equal(0m, entry.BalanceBefore);
        Assert.Equal(25.50m, entry.BalanceAfter);
        Assert.Equal("payment", entry.ReferenceType);
        Assert.Equal(paymentId, entry.ReferenceId);
        Assert.Equal("Top-up by card", entry.Description);
        Assert.Equal("user:42", entry.Actor);
        Assert.Equal(Now, entry.CreatedAt);

        Assert.Equal(25.50m, wallet.Balance);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Fact]
    public void Debit_returns_a_fully_populated_ledger_entry_and_moves_the_balance()
    {
        var wallet = TestData.PaygWallet(initialBalance: 40m);
        var orderId = Guid.NewGuid();
        var later = Now.AddMinutes(5);

        var entry = wallet.Debit(15.25m, LedgerEntryType.Payment, new LedgerReference(LedgerReference.Order, orderId),
            "Order #1001", "system", later);

        Assert.Equal(wallet.Id, entry.WalletId);
        Assert.Equal(2L, entry.Sequence);
        Assert.Equal(LedgerEntryType.Payment, entry.Type);
        Assert.Equal(LedgerDirection.Debit, entry.Direction);
        Assert.Equal(15.25m, entry.Amount);
        Assert.Equal(40m, entry.BalanceBefore);
        Assert.Equal(24.75m, entry.BalanceAfter);
        Assert.Equal("order", entry.ReferenceType);
        Assert.Equal(orderId, entry.ReferenceId);
        Assert.Equal("Order #1001", entry.Description);
        Assert.Equal("system", entry.Actor);
        Assert.Equal(later, entry.CreatedAt);

        Assert.Equal(24.75m, wallet.Balance);
        Assert.Equal(2L, wallet.LastSequence);
    }

    [Fact]
    public void Sequence_is_gapless_and_balances_chain_across_movements()
    {
        var wallet = TestData.PaygWallet();

        var e1 = wallet.Credit(100m, LedgerEntryType.Deposit, TestData.AnyReference(), "deposit", "a", Now);
        var e2 = wallet.Debit(30m, LedgerEntryType.UsageCharge, new LedgerReference(LedgerReference.VmUsage, Guid.NewGuid()), "usage", "a", Now);
        var e3 = wallet.Credit(5.55m, LedgerEntryType.Refund, TestData.AnyReference(), "refund", "a", Now);

        Assert.Equal([1L, 2L, 3L], new[] { e1.Sequence, e2.Sequence, e3.Sequence });

        Assert.Equal(0m, e1.BalanceBefore);
        Assert.Equal(100m, e1.BalanceAfter);
        Assert.Equal(100m, e2.BalanceBefore);
        Assert.Equal(70m, e2.BalanceAfter);
        Assert.Equal(70m, e3.BalanceBefore);
        Assert.Equal(75.55m, e3.BalanceAfter);

        Assert.Equal(75.55m, wallet.Balance);
        Assert.Equal(3L, wallet.LastSequence);
        Assert.Equal(3, new[] { e1.Id, e2.Id, e3.Id }.Distinct().Count());
    }

    [Theory]
    [InlineData(LedgerEntryType.Deposit)]
    [InlineData(LedgerEntryType.Refund)]
    [InlineData(LedgerEntryType.TransferIn)]
    [InlineData(LedgerEntryType.AdjustmentCredit)]
    public void Credit_accepts_every_credit_type_and_records_credit_direction(LedgerEntryType type)
    {
        var wallet = TestData.PaygWallet(initialBalance: 10m);

        var entry = wallet.Credit(2.50m, type, TestData.AnyReference(), "in", "a", Now);

        Assert.Equal(type, entry.Type);
        Assert.Equal(LedgerDirection.Credit, entry.Direction);
        Assert.Equal(12.50m, entry.BalanceAfter);
        Assert.Equal(12.50m, wallet.Balance);
    }

    [Theory]
    [InlineData(LedgerEntryType.Payment)]
    [InlineData(LedgerEntryType.TransferOut)]
    [InlineData(LedgerEntryType.AdjustmentDebit)]
    [InlineData(LedgerEntryType.UsageCharge)]
    public void Debit_accepts_every_debit_type_and_records_debit_direction(LedgerEntryType type)
    {
        var wallet = TestData.PaygWallet(initialBalance: 10m);

        var entry = wallet.Debit(2.50m, type, TestData.AnyReference(), "out", "a", Now);

        Assert.Equal(type, entry.Type);
        Assert.Equal(LedgerDirection.Debit, entry.Direction);
        Assert.Equal(7.50m, entry.BalanceAfter);
        Assert.Equal(7.50m, wallet.Balance);
    }

    [Theory]
    [InlineData(LedgerEntryType.Deposit)]
    [InlineData(LedgerEntryType.Refund)]
    [InlineData(LedgerEntryType.TransferIn)]
    [InlineData(LedgerEntryType.AdjustmentCredit)]
    public void Debit_with_a_credit_type_throws_ArgumentException_and_changes_nothing(LedgerEntryType type)
    {
        var wallet = TestData.PaygWallet(initialBalance: 10m);

        var ex = Assert.Throws<ArgumentException>(() => wallet.Debit(1m, type, TestData.AnyReference(), "x", "a", Now));

        Assert.Equal("type", ex.ParamName);
        Assert.Equal(10m, wallet.Balance);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Theory]
    [InlineData(LedgerEntryType.Payment)]
    [InlineData(LedgerEntryType.TransferOut)]
    [InlineData(LedgerEntryType.AdjustmentDebit)]
    [InlineData(LedgerEntryType.UsageCharge)]
    public void Credit_with_a_debit_type_throws_ArgumentException_and_changes_nothing(LedgerEntryType type)
    {
        var wallet = TestData.PaygWallet(initialBalance: 10m);

        var ex = Assert.Throws<ArgumentException>(() => wallet.Credit(1m, type, TestData.AnyReference(), "x", "a", Now));

        Assert.Equal("type", ex.ParamName);
        Assert.Equal(10m, wallet.Balance);
        Assert.Equal(1L, wallet.LastSequence);
    }

    public static TheoryData<decimal> InvalidAmounts => new() { 0m, -1m, -0.01m, 1.001m, 0.005m };

    [Theory]
    [MemberData(nameof(InvalidAmounts))]
    public void Credit_with_invalid_amount_is_rejected_and_changes_nothing(decimal amount)
    {
        var wallet = TestData.PaygWallet(initialBalance: 10m);

        var ex = Assert.Throws<DomainException>(() =>
            wallet.Credit(amount, LedgerEntryType.Deposit, TestData.AnyReference(), "x", "a", Now));

        Assert.Equal("invalid_amount", ex.Code);
        Assert.Equal(10m, wallet.Balance);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Theory]
    [MemberData(nameof(InvalidAmounts))]
    public void Debit_with_invalid_amount_is_rejected_and_changes_nothing(decimal amount)
    {
        var wallet = TestData.PaygWallet(initialBalance: 10m);

        var ex = Assert.Throws<DomainException>(() =>
            wallet.Debit(amount, LedgerEntryType.Payment, TestData.AnyReference(), "x", "a", Now));

        Assert.Equal("invalid_amount", ex.Code);
        Assert.Equal(10m, wallet.Balance);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Fact]
    public void Available_is_balance_plus_credit_limit()
    {
        var wallet = TestData.InvoiceWallet(creditLimit: 100m);
        Assert.Equal(100m, wallet.Available);

        wallet.Credit(20m, LedgerEntryType.Deposit, TestData.AnyReference(), "x", "a", Now);
        Assert.Equal(20m, wallet.Balance);
        Assert.Equal(120m, wallet.Available);

        wallet.Debit(50m, LedgerEntryType.Payment, TestData.AnyReference(), "x", "a", Now);
        Assert.Equal(-30m, wallet.Balance);
        Assert.Equal(70m, wallet.Available);
    }

    [Fact]
    public void Description_of_exactly_500_characters_is_accepted()
    {
        var wallet = TestData.PaygWallet();
        var description = new string('d', 500);

        var entry = wallet.Credit(1m, LedgerEntryType.Deposit, TestData.AnyReference(), description, "a", Now);

        Assert.Equal(description, entry.Description);
    }

    [Fact]
    public void Credit_with_description_over_500_characters_is_rejected_and_changes_nothing()
    {
        var wallet = TestData.PaygWallet(initialBalance: 10m);

        var ex = Assert.Throws<DomainException>(() =>
            wallet.Credit(1m, LedgerEntryType.Deposit, TestData.AnyReference(), new string('d', 501), "a", Now));

        Assert.Equal("invalid_argument", ex.Code);
        Assert.Equal(10m, wallet.Balance);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Fact]
    public void Debit_with_description_over_500_characters_is_rejected_and_changes_nothing()
    {
        var wallet = TestData.PaygWallet(initialBalance: 10m);

        var ex = Assert.Throws<DomainException>(() =>
            wallet.Debit(1m, LedgerEntryType.Payment, TestData.AnyReference(), new string('d', 501), "a", Now));

        Assert.Equal("invalid_argument", ex.Code);
        Assert.Equal(10m, wallet.Balance);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Fact]
    public void Rejected_movement_leaves_no_gap_in_the_sequence()
    {
        var wallet = TestData.PaygWallet(initialBalance: 10m);

        Assert.Throws<DomainException>(() =>
            wallet.Debit(10.01m, LedgerEntryType.Payment, TestData.AnyReference(), "too much", "a", Now));
        var next = wallet.Debit(1m, LedgerEntryType.Payment, TestData.AnyReference(), "ok", "a", Now);

        Assert.Equal(2L, next.Sequence);
    }
}

using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.Wallets;

public class WalletFundsTests
{
    private static readonly DateTimeOffset Now = TestData.Now;

    private static LedgerEntry Spend(Wallet wallet, decimal amount) =>
        wallet.Debit(amount, LedgerEntryType.Payment, TestData.AnyReference(), "purchase", "user:1", Now);

    [Fact]
    public void Payg_wallet_cannot_debit_more_than_its_balance()
    {
        var wallet = TestData.PaygWallet(initialBalance: 10.00m);

        var ex = Assert.Throws<DomainException>(() => Spend(wallet, 10.01m));

        Assert.Equal("insufficient_funds", ex.Code);
        Assert.Equal(DomainErrorKind.RuleViolation, ex.Kind);
        Assert.Equal(10.01m, Assert.IsType<decimal>(Assert.Contains("required", ex.Details)));
        Assert.Equal(10.00m, Assert.IsType<decimal>(Assert.Contains("available", ex.Details)));
        Assert.Equal("EUR", Assert.Contains("currency", ex.Details));

        Assert.Equal(10.00m, wallet.Balance);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Fact]
    public void Payg_wallet_can_debit_exactly_its_balance_down_to_zero()
    {
        var wallet = TestData.PaygWallet(initialBalance: 10.00m);

        var entry = Spend(wallet, 10.00m);

        Assert.Equal(10.00m, entry.BalanceBefore);
        Assert.Equal(0.00m, entry.BalanceAfter);
        Assert.Equal(0.00m, wallet.Balance);
        Assert.Equal(2L, wallet.LastSequence);
    }

    [Fact]
    public void Empty_payg_wallet_cannot_debit_a_cent()
    {
        var wallet = TestData.PaygWallet();

        var ex = Assert.Throws<DomainException>(() => Spend(wallet, 0.01m));

        Assert.Equal("insufficient_funds", ex.Code);
        Assert.Equal(0m, wallet.Balance);
        Assert.Equal(0L, wallet.LastSequence);
    }

    [Fact]
    public void Invoice_wallet_may_spend_down_to_minus_its_credit_limit()
    {
        var wallet = TestData.InvoiceWallet(creditLimit: 100m);

        var entry = Spend(wallet, 100.00m);

        Assert.Equal(0m, entry.BalanceBefore);
        Assert.Equal(-100.00m, entry.BalanceAfter);
        Assert.Equal(-100.00m, wallet.Balance);
        Assert.Equal(0m, wallet.Available);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Fact]
    public void Invoice_wallet_cannot_spend_beyond_its_credit_limit()
    {
        var wallet = TestData.InvoiceWallet(creditLimit: 100m);

        var ex = Assert.Throws<DomainException>(() => Spend(wallet, 100.01m));

        Assert.Equal("insufficient_funds", ex.Code);
        Assert.Equal(100.01m, Assert.IsType<decimal>(Assert.Contains("required", ex.Details)));
        Assert.Equal(100m, Assert.IsType<decimal>(Assert.Contains("available", ex.Details)));
        Assert.Equal(0m, wallet.Balance);
        Assert.Equal(0L, wallet.LastSequence);
    }

    [Fact]
    public void Invoice_wallet_at_its_limit_cannot_spend_another_cent()
    {
        var wallet = TestData.InvoiceWallet(creditLimit: 100m);
        Spend(wallet, 100m);

        var ex = Assert.Throws<DomainException>(() => Spend(wallet, 0.01m));

        Assert.Equal("insufficient_funds", ex.Code);
        Assert.Equal(-100m, wallet.Balance);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Fact]
    public void Invoice_wallet_available_includes_positive_balance()
    {
        var wallet = TestData.InvoiceWallet(creditLimit: 100m, initialBalance: 10m);

        var entry = Spend(wallet, 110m);

        Assert.Equal(-100m, entry.BalanceAfter);
        Assert.Throws<DomainException>(() => Spend(wallet, 0.01m));
    }

    [Theory]
    // billing model, credit limit, debit amount, succeeds, expected balance afterwards
    [InlineData("payg", 0, 100.00, false, 0)]
    [InlineData("invoice", 100, 100.00, true, -100.00)]
    [InlineData("payg", 0, 0.01, false, 0)]
    [InlineData("invoice", 100, 0.01, true, -0.01)]
    [InlineData("invoice", 100, 100.01, false, 0)]
    public void Payg_and_invoice_side_by_side_from_zero_balance(string model, double creditLimit, double amount,
        bool succeeds, double expectedBalance)
    {
        var wallet = model == "payg" ? TestData.PaygWallet() : TestData.InvoiceWallet((decimal)creditLimit);

        var ex = Record.Exception(() => Spend(wallet, (decimal)amount));

        if (succeeds)
        {
            Assert.Null(ex);
            Assert.Equal(1L, wallet.LastSequence);
        }
        else
        {
            Assert.Equal("insufficient_funds", Assert.IsType<DomainException>(ex).Code);
            Assert.Equal(0L, wallet.LastSequence);
        }
        Assert.Equal((decimal)expectedBalance, wallet.Balance);
    }

    [Fact]
    public void Credits_are_never_limited_by_funds()
    {
        var wallet = TestData.InvoiceWallet(creditLimit: 100m);
        Spend(wallet, 100m);

        var entry = wallet.Credit(150m, LedgerEntryType.Deposit, TestData.AnyReference(), "pay invoice", "user:1", Now);

        Assert.Equal(-100m, entry.BalanceBefore);
        Assert.Equal(50m, entry.BalanceAfter);
        Assert.Equal(150m, wallet.Available);
    }

    [Fact]
    public void EnsureFundsFor_passes_when_amount_equals_available()
    {
        var wallet = TestData.InvoiceWallet(creditLimit: 20m, initialBalance: 5m);

        Assert.Null(Record.Exception(() => wallet.EnsureFundsFor(25m)));
        Assert.Equal("insufficient_funds", Assert.Throws<DomainException>(() => wallet.EnsureFundsFor(25.01m)).Code);
    }

    [Fact]
    public void EnsureNotFrozen_passes_for_an_active_wallet()
    {
        var wallet = TestData.PaygWallet();

        Assert.Equal(WalletStatus.Active, wallet.Status);
        Assert.Null(Record.Exception(wallet.EnsureNotFrozen));
    }
}

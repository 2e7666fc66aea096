using CleanWallet.Domain.Common;
using CleanWallet.Domain.Transfers;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.Transfers;

public class TransferTests
{
    private static readonly DateTimeOffset Now = TestData.Now;

    private static void AssertUntouched(Wallet wallet, decimal balance, long lastSequence)
    {
        Assert.Equal(balance, wallet.Balance);
        Assert.Equal(lastSequence, wallet.LastSequence);
    }

    [Fact]
    public void Execute_debits_the_source_credits_the_destination_and_links_everything()
    {
        var from = TestData.PaygWallet(initialBalance: 100m);
        var to = TestData.PaygWallet(initialBalance: 5m);

        var (transfer, outEntry, inEntry) = Transfer.Execute(from, to, Money.Of(30.5m, from.Currency), "Fund customer", SpendingLimits.None, "customer:abc", Now);

        Assert.NotEqual(Guid.Empty, transfer.Id);
        Assert.Equal(from.Id, transfer.FromWalletId);
        Assert.Equal(to.Id, transfer.ToWalletId);
        Assert.Equal(30.50m, transfer.Amount);
        Assert.Equal("EUR", transfer.Currency);
        Assert.Equal("Fund customer", transfer.Description);
        Assert.Equal("customer:abc", transfer.Actor);
        Assert.Equal(Now, transfer.CreatedAt);
        Assert.Equal(outEntry.Id, transfer.OutEntryId);
        Assert.Equal(inEntry.Id, transfer.InEntryId);

        Assert.Equal(from.Id, outEntry.WalletId);
        Assert.Equal(LedgerEntryType.TransferOut, outEntry.Type);
        Assert.Equal(LedgerDirection.Debit, outEntry.Direction);
        Assert.Equal(2L, outEntry.Sequence);
        Assert.Equal(100m, outEntry.BalanceBefore);
        Assert.Equal(69.5m, outEntry.BalanceAfter);

        Assert.Equal(to.Id, inEntry.WalletId);
        Assert.Equal(LedgerEntryType.TransferIn, inEntry.Type);
        Assert.Equal(LedgerDirection.Credit, inEntry.Direction);
        Assert.Equal(2L, inEntry.Sequence);
        Assert.Equal(5m, inEntry.BalanceBefore);
        Assert.Equal(35.5m, inEntry.BalanceAfter);

        foreach (var entry in new[] { outEntry, inEntry })
        {
            Assert.Equal(LedgerReference.Transfer, entry.ReferenceType);
            Assert.Equal(transfer.Id, entry.ReferenceId);
            Assert.Equal(30.50m, entry.Amount);
            Assert.Equal("Fund customer", entry.Description);
            Assert.Equal("customer:abc", entry.Actor);
        }

        AssertUntouched(from, 69.5m, 2);
        AssertUntouched(to, 35.5m, 2);
    }

    [Fact]
    public void The_whole_available_balance_may_be_sent()
    {
        var from = TestData.PaygWallet(initialBalance: 10m);
        var to = TestData.PaygWallet();

        Transfer.Execute(from, to, Money.Of(10m, from.Currency), "All of it", SpendingLimits.None, "a", Now);

        Assert.Equal(0m, from.Balance);
        Assert.Equal(10m, to.Balance);
    }

    [Fact]
    public void An_invoice_wallet_may_send_down_to_minus_its_credit_limit_and_no_further()
    {
        var from = TestData.InvoiceWallet(creditLimit: 200m, initialBalance: 50m);
        var to = TestData.PaygWallet();

        Transfer.Execute(from, to, Money.Of(250m, from.Currency), "On credit", SpendingLimits.None, "a", Now);
        var ex = Assert.Throws<DomainException>(() => Transfer.Execute(from, to, Money.Of(0.01m, from.Currency), "One cent more", SpendingLimits.None, "a", Now));

        Assert.Equal(ErrorCodes.InsufficientFunds, ex.Code);
        AssertUntouched(from, -200m, 2);
        AssertUntouched(to, 250m, 1);
    }

    [Fact]
    public void Insufficient_funds_refuses_and_leaves_both_wallets_untouched()
    {
        var from = TestData.PaygWallet(initialBalance: 10m);
        var to = TestData.PaygWallet(initialBalance: 1m);

        var ex = Assert.Throws<DomainException>(() => Transfer.Execute(from, to, Money.Of(10.01m, from.Currency), "Too much", SpendingLimits.None, "a", Now));

        Assert.Equal(ErrorCodes.InsufficientFunds, ex.Code);
        Assert.Equal(DomainErrorKind.RuleViolation, ex.Kind);
        AssertUntouched(from, 10m, 1);
        AssertUntouched(to, 1m, 1);
    }

    [Fact]
    public void A_frozen_source_refuses_and_leaves_both_wallets_untouched()
    {
        var from = TestData.PaygWallet(initialBalance: 50m);
        from.Freeze();
        var to = TestData.PaygWallet();

        var ex = Assert.Throws<DomainException>(() => Transfer.Execute(from, to, Money.Of(1m, from.Currency), "Frozen", SpendingLimits.None, "a", Now));

        Assert.Equal(ErrorCodes.WalletFrozen, ex.Code);
        AssertUntouched(from, 50m, 1);
        AssertUntouched(to, 0m, 0);
    }

    [Fact]
    public void A_frozen_destination_still_receives_money()
    {
        var from = TestData.PaygWallet(initialBalance: 50m);
        var to = TestData.PaygWallet();
        to.Freeze();

        Transfer.Execute(from, to, Money.Of(20m, from.Currency), "Pay off", SpendingLimits.None, "a", Now);

        Assert.Equal(30m, from.Balance);
        Assert.Equal(20m, to.Balance);
    }

    [Fact]
    public void The_same_wallet_on_both_sides_is_refused()
    {
        var wallet = TestData.PaygWallet(initialBalance: 50m);

        var ex = Assert.Throws<DomainException>(() => Transfer.Execute(wallet, wallet, Money.Of(1m, wallet.Currency), "Loop", SpendingLimits.None, "a", Now));

        Assert.Equal(ErrorCodes.InvalidArgument, ex.Code);
        AssertUntouched(wallet, 50m, 1);
    }

    [Fact]
    public void Different_currencies_are_refused_with_currency_mismatch()
    {
        var from = TestData.PaygWallet(initialBalance: 50m);
        var to = Wallet.Open(TestData.PaygCustomer(), "USD", 0m, Now);

        var ex = Assert.Throws<DomainException>(() => Transfer.Execute(from, to, Money.Of(1m, from.Currency), "FX", SpendingLimits.None, "a", Now));

        Assert.Equal(ErrorCodes.CurrencyMismatch, ex.Code);
        Assert.Equal(DomainErrorKind.RuleViolation, ex.Kind);
        Assert.Equal("EUR", ex.Details["fromCurrency"]);
        Assert.Equal("USD", ex.Details["toCurrency"]);
        AssertUntouched(from, 50m, 1);
        AssertUntouched(to, 0m, 0);
    }

    [Fact]
    public void EnsureCanConnect_accepts_two_wallets_of_one_currency()
    {
        var exception = Record.Exception(() => Transfer.EnsureCanConnect(TestData.PaygWallet(), TestData.PaygWallet()));

        Assert.Null(exception);
    }

    public static TheoryData<decimal> InvalidAmounts => new() { 0m, -0.01m, -5m, 1.001m, 0.009m };

    [Theory]
    [MemberData(nameof(InvalidAmounts))]
    public void Invalid_amounts_are_refused_before_anything_moves(decimal amount)
    {
        var from = TestData.PaygWallet(initialBalance: 50m);
        var to = TestData.PaygWallet();

        var ex = Assert.Throws<DomainException>(() => Transfer.Execute(from, to, Money.Of(amount, from.Currency), "Bad", SpendingLimits.None, "a", Now));

        Assert.Equal(ErrorCodes.InvalidAmount, ex.Code);
        AssertUntouched(from, 50m, 1);
        AssertUntouched(to, 0m, 0);
    }

    [Fact]
    public void A_description_of_500_characters_is_accepted_and_501_refused_before_anything_moves()
    {
        var from = TestData.PaygWallet(initialBalance: 50m);
        var to = TestData.PaygWallet();

        var (transfer, _, _) = Transfer.Execute(from, to, Money.Of(1m, from.Currency), new string('d', 500), SpendingLimits.None, "a", Now);
        var ex = Assert.Throws<DomainException>(() => Transfer.Execute(from, to, Money.Of(1m, from.Currency), new string('d', 501), SpendingLimits.None, "a", Now));

        Assert.Equal(500, transfer.Description.Length);
        Assert.Equal(ErrorCodes.InvalidArgument, ex.Code);
        AssertUntouched(from, 49m, 2);
        AssertUntouched(to, 1m, 1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_transfer_without_an_actor_is_refused_before_anything_moves(string actor)
    {
        var from = TestData.PaygWallet(initialBalance: 50m);
        var to = TestData.PaygWallet();

        Assert.Throws<ArgumentException>(() => Transfer.Execute(from, to, Money.Of(1m, from.Currency), "Who?", SpendingLimits.None, actor, Now));

        AssertUntouched(from, 50m, 1);
        AssertUntouched(to, 0m, 0);
    }

    [Fact]
    public void Each_transfer_gets_its_own_id_and_entries()
    {
        var from = TestData.PaygWallet(initialBalance: 50m);
        var to = TestData.PaygWallet();

        var first = Transfer.Execute(from, to, Money.Of(1m, from.Currency), "One", SpendingLimits.None, "a", Now);
        var second = Transfer.Execute(from, to, Money.Of(1m, from.Currency), "Two", SpendingLimits.None, "a", Now);

        Assert.NotEqual(first.Transfer.Id, second.Transfer.Id);
        Assert.NotEqual(first.OutEntry.Id, second.OutEntry.Id);
        Assert.Equal(3L, second.OutEntry.Sequence);
        Assert.Equal(2L, second.InEntry.Sequence);
    }
}

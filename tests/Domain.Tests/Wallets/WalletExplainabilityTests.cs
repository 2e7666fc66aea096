using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.Wallets;

/// <summary>Every movement names who made it and what caused it; amounts are stored with exactly two decimals.</summary>
public sealed class WalletExplainabilityTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_movement_without_an_actor_is_refused_and_changes_nothing(string actor)
    {
        var wallet = TestData.PaygWallet(10m);

        Assert.Throws<ArgumentException>(() =>
            wallet.Debit(1m, LedgerEntryType.Payment, TestData.AnyReference(), "x", actor, TestData.Now));
        Assert.Equal(10m, wallet.Balance);
        Assert.Equal(1, wallet.LastSequence);
    }

    [Fact]
    public void A_movement_without_a_reference_is_refused()
    {
        var wallet = TestData.PaygWallet();

        Assert.Throws<ArgumentException>(() =>
            wallet.Credit(1m, LedgerEntryType.Deposit, new LedgerReference("payment", Guid.Empty), "x", "test", TestData.Now));
        Assert.Throws<ArgumentException>(() =>
            wallet.Credit(1m, LedgerEntryType.Deposit, new LedgerReference("", Guid.NewGuid()), "x", "test", TestData.Now));
        Assert.Equal(0, wallet.LastSequence);
    }

    [Theory]
    [InlineData("10", "10.00")]
    [InlineData("10.010", "10.01")]
    [InlineData("0.5", "0.50")]
    public void Amounts_are_normalised_to_two_decimals(string input, string expected)
    {
        var amount = decimal.Parse(input, System.Globalization.CultureInfo.InvariantCulture);
        var wallet = TestData.PaygWallet();

        var entry = wallet.Credit(amount, LedgerEntryType.Deposit, TestData.AnyReference(), "x", "test", TestData.Now);

        Assert.Equal(expected, entry.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, Money.Normalize(amount).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.Wallets;

public class WalletFrozenTests
{
    private static readonly DateTimeOffset Now = TestData.Now;

    private static Wallet FrozenWallet(decimal balance)
    {
        var wallet = TestData.PaygWallet(initialBalance: balance);
        wallet.Freeze();
        Assert.Equal(WalletStatus.Frozen, wallet.Status);
        return wallet;
    }

    [Fact]
    public void Frozen_wallet_refuses_debits_even_with_funds()
    {
        var wallet = FrozenWallet(50m);

        var ex = Assert.Throws<DomainException>(() =>
            wallet.Debit(1m, LedgerEntryType.Payment, TestData.AnyReference(), "x", "a", Now));

        Assert.Equal("wallet_frozen", ex.Code);
        Assert.Equal(DomainErrorKind.RuleViolation, ex.Kind);
        Assert.Equal(50m, wallet.Balance);
        Assert.Equal(1L, wallet.LastSequence);
    }

    [Fact]
    public void Frozen_wallet_still_accepts_credits()
    {
        var wallet = FrozenWallet(50m);

        var entry = wallet.Credit(5m, LedgerEntryType.Deposit, TestData.AnyReference(), "x", "a", Now);

        Assert.Equal(2L, entry.Sequence);
        Assert.Equal(55m, wallet.Balance);
    }

    [Fact]
    public void EnsureNotFrozen_throws_for_frozen_wallet()
    {
        var wallet = FrozenWallet(0m);

        Assert.Equal("wallet_frozen", Assert.Throws<DomainException>(wallet.EnsureNotFrozen).Code);
    }
}

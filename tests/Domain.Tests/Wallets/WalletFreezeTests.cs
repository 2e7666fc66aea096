using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.Wallets;

public sealed class WalletFreezeTests
{
    [Fact]
    public void A_frozen_wallet_refuses_debits_accepts_credits_and_debits_again_once_unfrozen()
    {
        var wallet = TestData.PaygWallet(50m);

        wallet.Freeze();
        var refused = Assert.Throws<DomainException>(() =>
            wallet.Debit(1m, LedgerEntryType.Payment, TestData.AnyReference(), "x", "test", TestData.Now));
        Assert.Equal(ErrorCodes.WalletFrozen, refused.Code);
        wallet.Credit(5m, LedgerEntryType.Deposit, TestData.AnyReference(), "x", "test", TestData.Now);
        Assert.Equal(55m, wallet.Balance);

        wallet.Unfreeze();
        wallet.Debit(1m, LedgerEntryType.Payment, TestData.AnyReference(), "x", "test", TestData.Now);
        Assert.Equal(54m, wallet.Balance);
        Assert.Equal(WalletStatus.Active, wallet.Status);
    }

    [Fact]
    public void Freezing_twice_or_unfreezing_an_active_wallet_is_a_conflict()
    {
        var wallet = TestData.PaygWallet();

        Assert.Equal(DomainErrorKind.Conflict, Assert.Throws<DomainException>(wallet.Unfreeze).Kind);
        wallet.Freeze();
        Assert.Equal(DomainErrorKind.Conflict, Assert.Throws<DomainException>(wallet.Freeze).Kind);
        Assert.Equal(WalletStatus.Frozen, wallet.Status);
    }
}

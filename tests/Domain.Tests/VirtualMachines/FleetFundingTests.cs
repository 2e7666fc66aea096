using CleanWallet.Domain.Common;
using CleanWallet.Domain.VirtualMachines;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.Tests.VirtualMachines;

public class FleetFundingTests
{
    private static readonly VmRate Small = TestPrices.Catalogue.RateOf("Small");
    private static readonly VmRate Enterprise = TestPrices.Catalogue.RateOf("Enterprise");

    [Fact]
    public void The_funds_required_are_the_whole_fleets_price_for_the_funds_check_hours_rounded_once()
    {
        Assert.Equal(150.00m, FleetFunding.Required([Small], 730));
        Assert.Equal(300.00m, FleetFunding.Required([Small, Small], 730));
        Assert.Equal(1350.00m, FleetFunding.Required([Small, Enterprise], 730));
        // 3 × 150 / 730 = 0.6164… once, not 3 × 0.21.
        Assert.Equal(0.62m, FleetFunding.Required([Small, Small, Small], 1));
        Assert.Equal(0m, FleetFunding.Required([], 730));
    }

    [Fact]
    public void A_wallet_funds_a_first_small_vm_from_200_but_not_a_second_and_says_what_is_required_and_available()
    {
        var wallet = TestData.PaygWallet(200.00m);

        FleetFunding.EnsureCanRun(wallet, [Small], 730);
        var ex = Assert.Throws<DomainException>(() => FleetFunding.EnsureCanRun(wallet, [Small, Small], 730));

        Assert.Equal(ErrorCodes.InsufficientFunds, ex.Code);
        Assert.Equal(300.00m, ex.Details["required"]);
        Assert.Equal(200.00m, ex.Details["available"]);
    }

    [Fact]
    public void A_frozen_wallet_funds_no_fleet()
    {
        var wallet = TestData.PaygWallet(10_000m);
        wallet.Freeze();

        var ex = Assert.Throws<DomainException>(() => FleetFunding.EnsureCanRun(wallet, [Small], 730));

        Assert.Equal(ErrorCodes.WalletFrozen, ex.Code);
    }
}

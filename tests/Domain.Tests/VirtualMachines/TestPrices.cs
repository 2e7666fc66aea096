using CleanWallet.Domain.VirtualMachines;

namespace CleanWallet.Domain.Tests.VirtualMachines;

/// <summary>The default catalogue's prices (730 hours a month), plus a free size.</summary>
internal static class TestPrices
{
    public static readonly VmPriceList Catalogue = new(new Dictionary<string, VmRate>
    {
        ["Free"] = new(0.00m, 730),
        ["Small"] = new(150.00m, 730),
        ["Medium"] = new(300.00m, 730),
        ["Large"] = new(600.00m, 730),
        ["Enterprise"] = new(1200.00m, 730),
    });
}

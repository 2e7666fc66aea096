using CleanWallet.Domain.Wallets;

namespace CleanWallet.Domain.VirtualMachines;

/// <summary>
/// The funds gate: provisioning, starting or resizing a VM up is allowed only if the wallet is not frozen and its
/// available funds cover <c>FundsCheckHours</c> of the WHOLE resulting fleet of Running VMs paid from it (the new or
/// resized one included), not just of the one VM. The fleet must be read under the wallet's lock, so parallel requests
/// on one wallet are gated one after the other.
/// </summary>
public static class FleetFunding
{
    /// <summary>
    /// What running <paramref name="fleet"/> (the rate of each Running VM) for <paramref name="fundsCheckHours"/> hours
    /// costs: Σ monthly × hours / hoursPerMonth, rounded once to the cent (half away from zero).
    /// </summary>
    public static decimal Required(IEnumerable<VmRate> fleet, int fundsCheckHours)
    {
        if (fundsCheckHours < 0)
            throw new ArgumentOutOfRangeException(nameof(fundsCheckHours), "Funds-check hours cannot be negative.");
        var exact = fleet.Sum(rate => rate.MonthlyPrice * fundsCheckHours / rate.HoursPerMonth);
        return Math.Round(exact, 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>422 wallet_frozen, or 422 insufficient_funds naming required and available, unless the wallet can run the fleet.</summary>
    public static void EnsureCanRun(Wallet wallet, IEnumerable<VmRate> fleet, int fundsCheckHours)
    {
        wallet.EnsureNotFrozen();
        wallet.EnsureFundsFor(Required(fleet, fundsCheckHours));
    }
}

using CleanWallet.Application.Audit;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.VirtualMachines;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Vms;

/// <summary>
/// What every VM command shares: the VM lock (first), the wallet lock (second, as in the billing run), the funds
/// check, and charging a settlement as one UsageCharge entry plus one usage row per hour in the same transaction.
/// </summary>
internal static class VmSettlements
{
    public const string AuditTarget = "vm";

    /// <summary>Locks the VM for this transaction; another customer's VM is reported as missing.</summary>
    public static async Task<VirtualMachine> LockAccessibleAsync(this IVmStore vms, Guid vmId, ICallerContext caller, CancellationToken ct)
    {
        var vm = await vms.FindForUpdateAsync(vmId, ct);
        if (vm is null || !caller.CanAccess(vm.CustomerId))
            throw new NotFoundException("VM", vmId);
        return vm;
    }

    /// <summary>The VM's wallet, locked after the VM.</summary>
    public static async Task<Wallet> LockWalletAsync(this IWalletStore wallets, VirtualMachine vm, CancellationToken ct) =>
        await wallets.FindForUpdateAsync(vm.WalletId, ct)
        ?? throw new InvalidOperationException($"Wallet {vm.WalletId} of VM {vm.Id} does not exist.");

    /// <summary>The price of a size the VM has; a size dropped from the catalogue is a configuration error.</summary>
    public static VmRate RateOf(this VmCatalog catalog, string sizeName) =>
        new(catalog.Get(sizeName).MonthlyPrice, catalog.HoursPerMonth);

    /// <summary>Provisioning, starting and resizing up: not on a frozen wallet, and only with a month's price available.</summary>
    public static void EnsureCanPayFor(this Wallet wallet, VmCatalog catalog, VmSize size)
    {
        wallet.EnsureNotFrozen();
        wallet.EnsureFundsFor(catalog.FundsRequired(size));
    }

    /// <summary>
    /// Charges the settled hours to the VM's locked wallet: one UsageCharge entry for the total (none when it is 0.00,
    /// which usage charged on a frozen or empty wallet too, since it was consumed) and one usage row per hour naming it.
    /// </summary>
    public static VmSettlementDto? Charge(this VmSettlement settlement, VirtualMachine vm, Wallet wallet, IWalletStore wallets,
        IVmStore vms, string actor, DateTimeOffset now)
    {
        if (settlement.IsEmpty)
            return null;
        if (wallet.Id != vm.WalletId)
            throw new InvalidOperationException($"VM {vm.Id} is paid from wallet {vm.WalletId}, not {wallet.Id}.");

        var from = settlement.From!.Value;
        var to = settlement.To!.Value;
        LedgerEntry? entry = null;
        if (settlement.Total > 0m)
        {
            var size = settlement.Hours[0].Size;
            var description = $"VM '{vm.Name}' ({size}) usage: {settlement.Hours.Count} hour(s), " +
                              $"{from:yyyy-MM-dd HH:mm} to {to:yyyy-MM-dd HH:mm} UTC";
            entry = wallet.ChargeUsage(settlement.Total, new LedgerReference(LedgerReference.VmUsage, vm.Id), description, actor, now);
            wallets.AddEntry(entry);
        }
        vms.AddUsage(VmUsage.ForSettlement(settlement, wallet.Id, entry?.Id, now));
        return new VmSettlementDto(settlement.Hours.Count, entry?.Amount ?? 0.00m, wallet.Currency, from, to, entry?.Id);
    }

    /// <summary>Charges a settlement of a VM that stops or goes away, locking its wallet only when there is something to charge.</summary>
    public static async Task<VmSettlementDto?> ChargeIfAnyAsync(this VmSettlement settlement, VirtualMachine vm, IWalletStore wallets,
        IVmStore vms, string actor, DateTimeOffset now, CancellationToken ct)
    {
        if (settlement.IsEmpty)
            return null;
        var wallet = await wallets.LockWalletAsync(vm, ct);
        return settlement.Charge(vm, wallet, wallets, vms, actor, now);
    }

    /// <summary>An admin acting on a customer's VM is audited; a customer acting on its own is not an admin action.</summary>
    public static void AuditIfAdmin(this AuditLog audit, ICallerContext caller, string action, VirtualMachine vm, VmSettlementDto? settled,
        object before)
    {
        if (caller.Role != CallerRole.Admin)
            return;
        audit.Record(new AuditRecord(action, AuditTarget, vm.Id, settled?.Amount, settled?.Currency, null, before, Snapshot(vm)));
    }

    public static object Snapshot(VirtualMachine vm) => new { status = vm.Status.ToString(), size = vm.Size, billedThrough = vm.BilledThrough };
}

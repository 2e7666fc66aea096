using CleanWallet.Application.Audit;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.VirtualMachines;
using CleanWallet.Domain.Wallets;

namespace CleanWallet.Application.Vms;

/// <summary>
/// What every VM command shares: the VM lock (first), the wallet lock (second, as in the billing run), the time read
/// only once both are held (so a wallet's entries are ordered the same by sequence and by time), the fleet funds gate,
/// and charging a settlement as one UsageCharge entry plus one usage row per hour in the same transaction.
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

    /// <summary>
    /// The funds gate, under the wallet's lock (held by the caller): the wallet must fund its whole resulting fleet of
    /// Running VMs, every other Running VM of the wallet (read now, after the lock, so a parallel request's VM counts once
    /// it committed) plus <paramref name="subject"/> at <paramref name="subjectSize"/>.
    /// </summary>
    public static async Task EnsureCanRunFleetAsync(this Wallet wallet, IVmStore vms, VmCatalog catalog, Guid? subject,
        string subjectSize, CancellationToken ct)
    {
        var others = await vms.RunningSizesAsync(wallet.Id, subject, ct);
        var fleet = others.Append(subjectSize).Select(catalog.Prices.RateOf);
        FleetFunding.EnsureCanRun(wallet, fleet, catalog.FundsCheckHours);
    }

    /// <summary>
    /// Records what a state change settled, on the VM's locked wallet: one UsageCharge entry for the billed hours' total
    /// (none when it is 0.00; usage is charged on a frozen or empty wallet too, since it was consumed), one usage row per
    /// hour naming it, and the idle period passed over. Null when no hour was billed.
    /// </summary>
    public static VmSettlementDto? Charge(this VmSettlement settlement, VirtualMachine vm, Wallet wallet, IWalletStore wallets,
        IVmStore vms, string actor, DateTimeOffset now)
    {
        if (wallet.Id != vm.WalletId)
            throw new InvalidOperationException($"VM {vm.Id} is paid from wallet {vm.WalletId}, not {wallet.Id}.");
        if (settlement.Idle is not null)
            vms.AddIdle(settlement.Idle);
        if (settlement.IsEmpty)
            return null;

        var from = settlement.From!.Value;
        var to = settlement.To!.Value;
        LedgerEntry? entry = null;
        if (settlement.Total > 0m)
        {
            var description = $"VM '{vm.Name}' ({settlement.Sizes}) usage: {settlement.Hours.Count} hour(s), " +
                              $"{from:yyyy-MM-dd HH:mm} to {to:yyyy-MM-dd HH:mm} UTC";
            entry = wallet.ChargeUsage(settlement.Total, new LedgerReference(LedgerReference.VmUsage, vm.Id), description, actor, now);
            wallets.AddEntry(entry);
        }
        vms.AddUsage(VmUsage.ForSettlement(settlement, wallet.Id, entry?.Id, now));
        return new VmSettlementDto(settlement.Hours.Count, entry?.Amount ?? 0.00m, wallet.Currency, from, to, entry?.Id);
    }

    /// <summary>An admin acting on a customer's VM is audited; a customer acting on its own is not an admin action.</summary>
    public static void AuditIfAdmin(this AuditLog audit, ICallerContext caller, string action, VirtualMachine vm, VmSettlementDto? settled,
        object before)
    {
        if (caller.Role != CallerRole.Admin)
            return;
        audit.Record(new AuditRecord(action, AuditTarget, vm.Id, settled?.Amount, settled?.Currency, null, before, Snapshot(vm)));
    }

    public static object Snapshot(VirtualMachine vm) =>
        new { status = vm.Status.ToString(), size = vm.Size, billedThrough = vm.BilledThrough, peakSize = vm.PeakSize };
}

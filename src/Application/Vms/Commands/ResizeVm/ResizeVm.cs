using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.VirtualMachines;
using MediatR;

namespace CleanWallet.Application.Vms.Commands.ResizeVm;

/// <summary>
/// Changes a VM's size after settling its ended hours. A Running VM's current hour is billed, once it ends, at the
/// largest size it had in it, so resizing up and back within an hour costs the larger size for that hour. Resizing a
/// Running VM to a size with a larger monthly price is allowed only when the wallet is not frozen and its available
/// funds, after that settlement, cover the funds-check hours of all its Running VMs at their sizes with this one at the
/// new size (422 and nothing changed otherwise). Should the settlement overdraw the wallet, a Running VM is suspended
/// in the same transaction. The size it already has is a no-op (200, nothing billed); a Deleted VM is a 409.
/// </summary>
public sealed record ResizeVmCommand(Guid VmId, string Size) : IIdempotentCommand<VmDto>;

public sealed class ResizeVmHandler(
    IVmStore vms,
    IWalletStore wallets,
    VmCatalog catalog,
    AuditLog audit,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<ResizeVmCommand, VmDto>
{
    public const string AuditAction = "vm.resize";

    public async Task<VmDto> Handle(ResizeVmCommand command, CancellationToken cancellationToken)
    {
        var vm = await vms.LockAccessibleAsync(command.VmId, caller, cancellationToken);
        vm.EnsureCanResize();
        var target = catalog.Get(command.Size);
        if (vm.HasSize(target.Name))
            return VmDto.From(vm);

        var wallet = await wallets.LockWalletAsync(vm, cancellationToken);
        var now = clock.StorableNow();
        var before = VmSettlements.Snapshot(vm);
        var growing = target.MonthlyPrice > catalog.Get(vm.Size).MonthlyPrice;

        var settled = vm.Resize(target.Name, catalog.Prices, now).Charge(vm, wallet, wallets, vms, caller.Actor, now);
        if (growing && vm.Status == VmStatus.Running)
            // A refusal throws, and the transaction rolls back the resize and its settlement with it.
            await wallet.EnsureCanRunFleetAsync(vms, catalog, vm.Id, vm.Size, cancellationToken);
        else if (wallet.IsOverdrawn && vm.Status == VmStatus.Running)
            // Usage consumed is always charged; a wallet it overdraws stops paying for more.
            vm.Suspend(now);

        audit.AuditIfAdmin(caller, AuditAction, vm, settled, before);
        return VmDto.From(vm, settled);
    }
}

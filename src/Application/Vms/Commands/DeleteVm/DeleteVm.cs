using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Vms.Commands.DeleteVm;

/// <summary>
/// Deletes a VM, first settling its ended hours and then the current hour too, at its largest size, if the VM ran in
/// it (nothing can change that hour any more). The VM can still be read (status Deleted, deletedAt); acting on it again
/// is a 409.
/// </summary>
public sealed record DeleteVmCommand(Guid VmId) : IIdempotentCommand<VmDto>;

public sealed class DeleteVmHandler(
    IVmStore vms,
    IWalletStore wallets,
    VmCatalog catalog,
    AuditLog audit,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<DeleteVmCommand, VmDto>
{
    public const string AuditAction = "vm.delete";

    public async Task<VmDto> Handle(DeleteVmCommand command, CancellationToken cancellationToken)
    {
        var vm = await vms.LockAccessibleAsync(command.VmId, caller, cancellationToken);
        var wallet = await wallets.LockWalletAsync(vm, cancellationToken);
        var now = clock.StorableNow();
        var before = VmSettlements.Snapshot(vm);

        var settled = vm.Delete(catalog.Prices, now).Charge(vm, wallet, wallets, vms, caller.Actor, now);

        audit.AuditIfAdmin(caller, AuditAction, vm, settled, before);
        return VmDto.From(vm, settled);
    }
}

using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Vms.Commands.StopVm;

/// <summary>
/// Stops a Running VM and settles its open hours up to and including the current one at once, so no used hour is
/// lost; a Suspended VM is stopped without a charge. Stopped or Deleted: 409. Parallel stops queue on the VM's row
/// lock, so the hours are billed once and the later stops get the 409.
/// </summary>
public sealed record StopVmCommand(Guid VmId) : ICommand<VmDto>, IIdempotentCommand;

public sealed class StopVmHandler(
    IVmStore vms,
    IWalletStore wallets,
    VmCatalog catalog,
    AuditLog audit,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<StopVmCommand, VmDto>
{
    public const string AuditAction = "vm.stop";

    public async Task<VmDto> Handle(StopVmCommand command, CancellationToken cancellationToken)
    {
        var vm = await vms.LockAccessibleAsync(command.VmId, caller, cancellationToken);
        var now = clock.StorableNow();
        var before = VmSettlements.Snapshot(vm);

        var settled = await vm.Stop(catalog.RateOf(vm.Size), now)
            .ChargeIfAnyAsync(vm, wallets, vms, caller.Actor, now, cancellationToken);

        audit.AuditIfAdmin(caller, AuditAction, vm, settled, before);
        return VmDto.From(vm, settled);
    }
}

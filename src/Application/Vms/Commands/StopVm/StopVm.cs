using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Vms.Commands.StopVm;

/// <summary>
/// Stops a Running or Suspended VM after settling its ended hours (each at its largest size). The current hour stays
/// open at its peak and is billed once it has ended, by the hourly run or the next state change, so a later resize or
/// start within the hour is still reflected in its one charge. Stopped or Deleted: 409. Parallel stops queue on the
/// VM's row lock, so the hours are billed once and the later stops get the 409.
/// </summary>
public sealed record StopVmCommand(Guid VmId) : IIdempotentCommand<VmDto>;

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
        var wallet = await wallets.LockWalletAsync(vm, cancellationToken);
        var now = clock.StorableNow();
        var before = VmSettlements.Snapshot(vm);

        var settled = vm.Stop(catalog.Prices, now).Charge(vm, wallet, wallets, vms, caller.Actor, now);

        audit.AuditIfAdmin(caller, AuditAction, vm, settled, before);
        return VmDto.From(vm, settled);
    }
}

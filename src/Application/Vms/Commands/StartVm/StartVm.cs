using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Vms.Commands.StartVm;

/// <summary>
/// Starts a Stopped or Suspended VM, after settling its ended hours (hours it did not run are recorded as idle, never
/// billed). Allowed only when the wallet is not frozen and its available funds, after that settlement, cover the
/// funds-check hours of all its Running VMs with this one running (so a Suspended VM starts only once the wallet can
/// pay); 422 and nothing changed otherwise. Starting within the hour it was stopped in bills that hour once, at its
/// largest size. Running or Deleted: 409.
/// </summary>
public sealed record StartVmCommand(Guid VmId) : IIdempotentCommand<VmDto>;

public sealed class StartVmHandler(
    IVmStore vms,
    IWalletStore wallets,
    VmCatalog catalog,
    AuditLog audit,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<StartVmCommand, VmDto>
{
    public const string AuditAction = "vm.start";

    public async Task<VmDto> Handle(StartVmCommand command, CancellationToken cancellationToken)
    {
        var vm = await vms.LockAccessibleAsync(command.VmId, caller, cancellationToken);
        // The state first: starting a Running VM is a 409 whatever the wallet holds.
        vm.EnsureCanStart();
        var wallet = await wallets.LockWalletAsync(vm, cancellationToken);
        var now = clock.StorableNow();
        var before = VmSettlements.Snapshot(vm);

        var settled = vm.Start(catalog.Prices, now).Charge(vm, wallet, wallets, vms, caller.Actor, now);
        // A refusal throws, and the transaction rolls back the start and its settlement with it.
        await wallet.EnsureCanRunFleetAsync(vms, catalog, vm.Id, vm.Size, cancellationToken);

        audit.AuditIfAdmin(caller, AuditAction, vm, settled, before);
        return VmDto.From(vm, settled);
    }
}

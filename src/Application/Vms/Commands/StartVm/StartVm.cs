using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Vms.Commands.StartVm;

/// <summary>
/// Starts a Stopped or Suspended VM when its wallet is not frozen and its available funds cover the size's price for
/// the funds-check hours (so a Suspended VM starts only once the wallet can pay); 422 and nothing changed otherwise.
/// Starting inside an hour already settled costs nothing more for it; Running or Deleted: 409.
/// </summary>
public sealed record StartVmCommand(Guid VmId) : ICommand<VmDto>, IIdempotentCommand;

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
        var now = clock.StorableNow();
        var before = VmSettlements.Snapshot(vm);
        // The state first: starting a Running VM is a 409 whatever the wallet holds.
        vm.EnsureCanStart();

        var size = catalog.Get(vm.Size);
        var wallet = await wallets.LockWalletAsync(vm, cancellationToken);
        wallet.EnsureCanPayFor(catalog, size);
        vm.Start(now);

        audit.AuditIfAdmin(caller, AuditAction, vm, null, before);
        return VmDto.From(vm);
    }
}

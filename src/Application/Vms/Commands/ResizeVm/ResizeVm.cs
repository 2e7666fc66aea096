using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Wallets;
using CleanWallet.Domain.VirtualMachines;
using MediatR;

namespace CleanWallet.Application.Vms.Commands.ResizeVm;

/// <summary>
/// Changes a VM's size. To a size with a larger monthly price only when the wallet is not frozen and covers the new
/// size's price for the funds-check hours (checked on the wallet as it stands, before anything is settled; 422 and
/// nothing changed otherwise). A Running VM has its open hours up to and including the current one settled at the old
/// size, so the new size is billed from the next hour; should that charge overdraw the wallet, the VM is suspended in
/// the same transaction. The size it already has is a no-op (200, nothing billed); a Deleted VM is a 409.
/// </summary>
public sealed record ResizeVmCommand(Guid VmId, string Size) : ICommand<VmDto>, IIdempotentCommand;

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

        var now = clock.StorableNow();
        var before = VmSettlements.Snapshot(vm);
        var currentRate = catalog.RateOf(vm.Size);
        Wallet? wallet = null;
        if (target.MonthlyPrice > currentRate.MonthlyPrice)
        {
            wallet = await wallets.LockWalletAsync(vm, cancellationToken);
            wallet.EnsureCanPayFor(catalog, target);
        }

        var settlement = vm.Resize(target.Name, currentRate, now);
        VmSettlementDto? settled = null;
        if (!settlement.IsEmpty)
        {
            wallet ??= await wallets.LockWalletAsync(vm, cancellationToken);
            settled = settlement.Charge(vm, wallet, wallets, vms, caller.Actor, now);
            // Usage consumed is always charged; a wallet it overdraws stops paying for more.
            if (wallet.IsOverdrawn && vm.Status == VmStatus.Running)
                vm.Suspend(now);
        }

        audit.AuditIfAdmin(caller, AuditAction, vm, settled, before);
        return VmDto.From(vm, settled);
    }
}

using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.VirtualMachines;
using MediatR;

namespace CleanWallet.Application.Vms.Commands.ProvisionVm;

/// <summary>
/// Provisions a Running VM paid from <see cref="WalletId"/>: refused (422 insufficient_funds / wallet_frozen, nothing
/// written) unless the wallet's available funds cover the funds-check hours of its whole fleet of Running VMs with the
/// new one. Parallel provisions on one wallet queue on its lock, each counting the VMs committed before it. The VM belongs to
/// the wallet's customer; a customer can only name its own wallet. No money moves now: the hours are billed in arrears.
/// </summary>
public sealed record ProvisionVmCommand(Guid WalletId, string Name, string Size) : IIdempotentCommand<VmDto>;

public sealed class ProvisionVmHandler(
    IWalletStore wallets,
    IVmStore vms,
    VmCatalog catalog,
    AuditLog audit,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<ProvisionVmCommand, VmDto>
{
    public const string AuditAction = "vm.provision";

    public async Task<VmDto> Handle(ProvisionVmCommand command, CancellationToken cancellationToken)
    {
        var size = catalog.Get(command.Size);
        var wallet = await wallets.LockAccessibleAsync(command.WalletId, caller, cancellationToken);
        var now = clock.StorableNow();
        await wallet.EnsureCanRunFleetAsync(vms, catalog, null, size.Name, cancellationToken);

        var vm = VirtualMachine.Provision(wallet.CustomerId, wallet.Id, command.Name, size.Name, now);
        vms.Add(vm);
        audit.AuditIfAdmin(caller, AuditAction, vm, null, new { status = (string?)null });
        return VmDto.From(vm);
    }
}

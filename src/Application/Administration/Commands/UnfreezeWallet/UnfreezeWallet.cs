using CleanWallet.Application.Audit;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Wallets;
using MediatR;

namespace CleanWallet.Application.Administration.Commands.UnfreezeWallet;

/// <summary>Lets a frozen wallet be debited again; audited.</summary>
public sealed record UnfreezeWalletCommand(Guid WalletId, string? Reason) : ICommand<WalletDto>;

public sealed class UnfreezeWalletHandler(IWalletStore wallets, AuditLog audit, ICallerContext caller)
    : IRequestHandler<UnfreezeWalletCommand, WalletDto>
{
    public async Task<WalletDto> Handle(UnfreezeWalletCommand command, CancellationToken cancellationToken)
    {
        var wallet = await wallets.LockAccessibleAsync(command.WalletId, caller, cancellationToken);
        var before = WalletAuditSnapshot.Of(wallet);
        wallet.Unfreeze();
        audit.Record(new AuditRecord(AdministrationAudit.Unfreeze, AdministrationAudit.WalletTarget, wallet.Id,
            Reason: command.Reason, Before: before, After: WalletAuditSnapshot.Of(wallet)));
        return WalletDtos.From(wallet);
    }
}

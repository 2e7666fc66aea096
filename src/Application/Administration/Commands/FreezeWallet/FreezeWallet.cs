using CleanWallet.Application.Audit;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Wallets;
using MediatR;

namespace CleanWallet.Application.Administration.Commands.FreezeWallet;

/// <summary>Stops every debit of the wallet (credits still land) until an admin unfreezes it; audited.</summary>
public sealed record FreezeWalletCommand(Guid WalletId, string? Reason) : ICommand<WalletDto>;

public sealed class FreezeWalletHandler(IWalletStore wallets, AuditLog audit, ICallerContext caller)
    : IRequestHandler<FreezeWalletCommand, WalletDto>
{
    public async Task<WalletDto> Handle(FreezeWalletCommand command, CancellationToken cancellationToken)
    {
        // Locked, so a payment in flight either completes before the freeze or sees the wallet frozen.
        var wallet = await wallets.LockAccessibleAsync(command.WalletId, caller, cancellationToken);
        var before = WalletAuditSnapshot.Of(wallet);
        wallet.Freeze();
        audit.Record(new AuditRecord(AdministrationAudit.Freeze, AdministrationAudit.WalletTarget, wallet.Id,
            Reason: command.Reason, Before: before, After: WalletAuditSnapshot.Of(wallet)));
        return WalletDtos.From(wallet);
    }
}

using CleanWallet.Application.Audit;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Wallets;
using MediatR;

namespace CleanWallet.Application.Administration.Commands.SetWalletFrozen;

/// <summary>
/// Freeze (every debit refused, credits still land) or unfreeze a wallet; audited. Freezing an already frozen
/// wallet, or unfreezing an active one, is a 409.
/// </summary>
public sealed record SetWalletFrozenCommand(Guid WalletId, bool Frozen, string? Reason) : ICommand<WalletDto>;

public sealed class SetWalletFrozenHandler(IWalletStore wallets, AuditLog audit, ICallerContext caller)
    : IRequestHandler<SetWalletFrozenCommand, WalletDto>
{
    public async Task<WalletDto> Handle(SetWalletFrozenCommand command, CancellationToken cancellationToken)
    {
        // Locked, so a payment in flight either completes before the freeze or sees the wallet frozen.
        var wallet = await wallets.LockAccessibleAsync(command.WalletId, caller, cancellationToken);
        var before = WalletAuditSnapshot.Of(wallet);
        if (command.Frozen)
            wallet.Freeze();
        else
            wallet.Unfreeze();
        audit.Record(new AuditRecord(command.Frozen ? AdministrationAudit.Freeze : AdministrationAudit.Unfreeze,
            AdministrationAudit.WalletTarget, wallet.Id, Reason: command.Reason, Before: before, After: WalletAuditSnapshot.Of(wallet)));
        return WalletDto.From(wallet);
    }
}

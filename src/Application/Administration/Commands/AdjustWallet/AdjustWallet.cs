using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;
using MediatR;

namespace CleanWallet.Application.Administration.Commands.AdjustWallet;

/// <summary>
/// An admin credits or debits a wallet with a reason: the adjustment, its ledger entry and the audit entry are
/// written in one transaction, or none of them is.
/// </summary>
public sealed record AdjustWalletCommand(Guid WalletId, string Direction, decimal Amount, string Reason)
    : IIdempotentCommand<AdjustmentDto>, IDatabaseOnlyCommand, IQueuedPerWallet
{
    public IEnumerable<Guid> WalletsToQueueOn() => [WalletId];
}

public sealed class AdjustWalletHandler(
    IWalletStore wallets,
    IAdjustmentStore adjustments,
    AuditLog audit,
    TransactionLimits limits,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<AdjustWalletCommand, AdjustmentDto>
{
    public async Task<AdjustmentDto> Handle(AdjustWalletCommand command, CancellationToken cancellationToken)
    {
        var direction = Enum.Parse<LedgerDirection>(command.Direction, ignoreCase: true);
        var wallet = await wallets.LockAccessibleAsync(command.WalletId, caller, cancellationToken);
        var now = clock.StorableNow(); // under the lock, like every ledger write

        var before = WalletAuditSnapshot.Of(wallet);
        var (adjustment, entry) = wallet.Adjust(direction, Money.Of(command.Amount, wallet.Currency), command.Reason, limits.Current,
            caller.Actor, now);
        wallets.AddEntry(entry);
        adjustments.Add(adjustment);
        audit.Record(new AuditRecord(AdministrationAudit.AdjustmentAction(direction), AdministrationAudit.WalletTarget, wallet.Id,
            adjustment.Amount, wallet.Currency, adjustment.Reason, before, WalletAuditSnapshot.Of(wallet)));

        return new AdjustmentDto(adjustment.Id, wallet.Id, adjustment.Direction.ToString(), adjustment.Amount, wallet.Currency,
            adjustment.Reason, entry.Id, entry.BalanceAfter, adjustment.CreatedAt);
    }
}

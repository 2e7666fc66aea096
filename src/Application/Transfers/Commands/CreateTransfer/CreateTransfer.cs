using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Transfers;
using MediatR;

namespace CleanWallet.Application.Transfers.Commands.CreateTransfer;

/// <summary>
/// Move money from one wallet to another of the same currency: a Transfer record, a TransferOut entry on the
/// source and a TransferIn entry on the destination, linked both ways, in one transaction. The caller must own
/// the source (or be an admin); the destination may belong to anyone, e.g. a reseller funding its customers.
/// </summary>
public sealed record CreateTransferCommand(Guid FromWalletId, Guid ToWalletId, decimal Amount, string Description)
    : IIdempotentCommand<TransferDto>, IDatabaseOnlyCommand, IQueuedPerWallet
{
    public IEnumerable<Guid> WalletsToQueueOn() => [FromWalletId, ToWalletId];
}

public sealed class CreateTransferHandler(
    ITransferStore transfers,
    IWalletStore wallets,
    TransactionLimits limits,
    AuditLog audit,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<CreateTransferCommand, TransferDto>
{
    public async Task<TransferDto> Handle(CreateTransferCommand command, CancellationToken cancellationToken)
    {
        // Both rows locked in one statement, in id order: A→B and B→A in parallel wait for each other, never deadlock.
        var locked = await transfers.LockWalletsForMovementInOrderAsync(command.FromWalletId, command.ToWalletId, cancellationToken);

        var from = locked.FirstOrDefault(w => w.Id == command.FromWalletId);
        if (from is null || !caller.CanAccess(from.CustomerId))
            throw new NotFoundException("Wallet", command.FromWalletId);
        var to = locked.FirstOrDefault(w => w.Id == command.ToWalletId)
                 ?? throw new NotFoundException("Wallet", command.ToWalletId);

        var now = clock.StorableNow(); // under both locks, like every ledger write
        Transfer.EnsureCanConnect(from, to);

        var balancesBefore = new { fromBalance = from.Balance, toBalance = to.Balance };
        var execution = Transfer.Execute(from, to, Money.Of(command.Amount, from.Currency), command.Description, limits.Current,
            caller.Actor, now);
        // A customer moving its own money is not an admin action; an admin moving anyone's money is audited.
        if (caller.Role == CallerRole.Admin)
            audit.Record(new AuditRecord("transfer.create", "transfer", execution.Transfer.Id, command.Amount, from.Currency,
                command.Description, balancesBefore, new { fromBalance = from.Balance, toBalance = to.Balance }));

        // The entries first: the transfer row names both.
        wallets.RecordMovement(from, execution.OutEntry);
        wallets.RecordMovement(to, execution.InEntry);
        transfers.RecordNew(execution.Transfer);
        return TransferDto.ForSender(execution.Transfer, from);
    }
}

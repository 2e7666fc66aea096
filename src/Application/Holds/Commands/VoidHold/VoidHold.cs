using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.Holds.Commands.VoidHold;

/// <summary>Release an Active hold without moving money: no ledger entry, available funds restored (409 when no longer Active).</summary>
public sealed record VoidHoldCommand(Guid HoldId) : IIdempotentCommand<HoldDto>, IDatabaseOnlyCommand;

public sealed class VoidHoldHandler(
    IHoldStore holds,
    IWalletStore wallets,
    AuditLog audit,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<VoidHoldCommand, HoldDto>
{
    public const string AuditAction = "hold.void";

    public async Task<HoldDto> Handle(VoidHoldCommand command, CancellationToken cancellationToken)
    {
        var (hold, wallet) = await holds.LockSettleableAsync(wallets, command.HoldId, caller, cancellationToken);
        var now = clock.StorableNow();

        var before = new { holdStatus = hold.Status.ToString(), held = wallet.Held, available = wallet.Available };
        wallet.VoidHold(hold, now);

        if (caller.Role == CallerRole.Admin)
            audit.Record(new AuditRecord(AuditAction, "hold", hold.Id, hold.Amount, hold.Currency, hold.Description, before,
                new { holdStatus = hold.Status.ToString(), held = wallet.Held, available = wallet.Available }));
        return HoldDto.From(hold, wallet);
    }
}

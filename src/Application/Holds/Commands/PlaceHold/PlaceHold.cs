using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Wallets;
using CleanWallet.Domain.Common;
using MediatR;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Holds.Commands.PlaceHold;

/// <summary>
/// Reserve money on a wallet until it is captured, voided or expires. The wallet refuses it exactly like a payment
/// (<see cref="Domain.Wallets.Wallet.PlaceHold"/>); the balance and the ledger do not change, available funds do.
/// </summary>
public sealed record PlaceHoldCommand(Guid WalletId, decimal Amount, string Description, string? Reference, int? ExpiresInSeconds)
    : IIdempotentCommand<HoldDto>, IDatabaseOnlyCommand, IQueuedPerWallet
{
    public IEnumerable<Guid> WalletsToQueueOn() => [WalletId];
}

public sealed class PlaceHoldHandler(
    IWalletStore wallets,
    IHoldStore holds,
    TransactionLimits limits,
    IOptions<HoldOptions> options,
    AuditLog audit,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<PlaceHoldCommand, HoldDto>
{
    public const string AuditAction = "hold.place";

    public async Task<HoldDto> Handle(PlaceHoldCommand command, CancellationToken cancellationToken)
    {
        var wallet = await wallets.LockAccessibleForMovementAsync(command.WalletId, caller, cancellationToken);
        var now = clock.StorableNow(); // under the lock, like every spending movement
        // The default never outlasts the maximum, whatever the two settings say.
        var expiresAt = now.AddSeconds(command.ExpiresInSeconds ?? Math.Min(options.Value.DefaultExpirySeconds, options.Value.MaxExpirySeconds));

        var before = new { balance = wallet.Balance, held = wallet.Held, available = wallet.Available };
        var hold = wallet.PlaceHold(Money.Of(command.Amount, wallet.Currency), command.Description, command.Reference, expiresAt,
            limits.Current, caller.Actor, now);
        wallets.RecordState(wallet);
        holds.RecordNew(hold);

        if (caller.Role == CallerRole.Admin)
            audit.Record(new AuditRecord(AuditAction, "hold", hold.Id, hold.Amount, hold.Currency, command.Description, before,
                new { balance = wallet.Balance, held = wallet.Held, available = wallet.Available }));
        return HoldDto.From(hold, wallet);
    }
}

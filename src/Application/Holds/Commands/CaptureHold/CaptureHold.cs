using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Payments;
using CleanWallet.Domain.Common;
using MediatR;

namespace CleanWallet.Application.Holds.Commands.CaptureHold;

/// <summary>
/// Settle an Active hold with one Wallet payment and its Payment entry (all of the hold when <see cref="Amount"/> is null,
/// less releases the rest), in one transaction under the hold's and then the wallet's row lock.
/// </summary>
public sealed record CaptureHoldCommand(Guid HoldId, decimal? Amount) : IIdempotentCommand<PaymentDto>, IDatabaseOnlyCommand;

public sealed class CaptureHoldHandler(
    IHoldStore holds,
    IWalletStore wallets,
    IPaymentStore payments,
    AuditLog audit,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<CaptureHoldCommand, PaymentDto>
{
    public const string AuditAction = "hold.capture";

    public async Task<PaymentDto> Handle(CaptureHoldCommand command, CancellationToken cancellationToken)
    {
        var (hold, wallet) = await holds.LockSettleableAsync(wallets, command.HoldId, caller, cancellationToken);
        var now = clock.StorableNow(); // under both locks: the expiry job decides with the same locks held

        var before = new { holdStatus = hold.Status.ToString(), balance = wallet.Balance, held = wallet.Held, available = wallet.Available };
        var requested = command.Amount is { } amount ? Money.Of(amount, hold.Currency) : (Money?)null;
        var capture = wallet.CaptureHold(hold, requested, caller.Actor, now);
        wallets.AddEntry(capture.Entry);
        payments.Add(capture.Payment);

        if (caller.Role == CallerRole.Admin)
            audit.Record(new AuditRecord(AuditAction, "hold", hold.Id, capture.Payment.Amount, hold.Currency, hold.Description, before,
                new { holdStatus = hold.Status.ToString(), paymentId = capture.Payment.Id, balance = wallet.Balance, held = wallet.Held,
                    available = wallet.Available }));
        return PaymentDto.From(capture.Payment, wallet);
    }
}

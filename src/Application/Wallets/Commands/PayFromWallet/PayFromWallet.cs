using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Payments;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Wallets;
using MediatR;

namespace CleanWallet.Application.Wallets.Commands.PayFromWallet;

/// <summary>Pay for something from a wallet: a Wallet payment record and its Payment ledger entry, linked, in one transaction.</summary>
public sealed record PayFromWalletCommand(Guid WalletId, decimal Amount, string Description, string? Reference)
    : IIdempotentCommand<PaymentDto>, IDatabaseOnlyCommand, IQueuedPerWallet
{
    public IEnumerable<Guid> WalletsToQueueOn() => [WalletId];
}

public sealed class PayFromWalletHandler(
    IWalletStore wallets,
    IPaymentStore payments,
    TransactionLimits limits,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<PayFromWalletCommand, PaymentDto>
{
    public async Task<PaymentDto> Handle(PayFromWalletCommand command, CancellationToken cancellationToken)
    {
        var wallet = await wallets.LockAccessibleForMovementAsync(command.WalletId, caller, cancellationToken);
        // Read under the lock: a debit that waited for it is not stamped before the one that held it. (From a snapshot of
        // the wallet the lock comes with the write, whose guard fails unless the last entry is still the copy's.)
        var now = clock.StorableNow();
        var (payment, entry) = wallet.Pay(Money.Of(command.Amount, wallet.Currency), command.Description, command.Reference,
            limits.Current, caller.Actor, now);

        // The entry first: the payment row names it.
        wallets.RecordMovement(wallet, entry);
        payments.RecordNew(payment);
        return PaymentDto.From(payment, wallet);
    }
}

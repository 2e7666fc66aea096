using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Application.Payments;
using CleanWallet.Application.Payments.Gateway;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using MediatR;

namespace CleanWallet.Application.Wallets.Commands.TopUpWallet;

/// <summary>Charge a card and credit the wallet with a Deposit entry linked to the card payment.</summary>
public sealed record TopUpWalletCommand(Guid WalletId, decimal Amount, string CardToken) : ICommand<PaymentDto>, IIdempotentCommand;

public sealed class TopUpWalletHandler(
    IWalletStore wallets,
    IPaymentStore payments,
    ICardGateway gateway,
    TransactionLimits limits,
    ICallerContext caller,
    TimeProvider clock) : IRequestHandler<TopUpWalletCommand, PaymentDto>
{
    public const string Description = "Card top-up";

    public async Task<PaymentDto> Handle(TopUpWalletCommand command, CancellationToken cancellationToken)
    {
        limits.EnsureWithinMaximum(command.Amount);
        var now = clock.StorableNow();
        // The wallet stays locked while the card is charged, so its balance cannot move under us; a top-up is
        // rare next to payments, so the short wait it causes them is the price of a simple, safe order.
        var wallet = await wallets.LockAccessibleAsync(command.WalletId, caller, cancellationToken);
        var payment = PaymentRecord.StartCardPayment(wallet.CustomerId, wallet.Id, command.Amount, wallet.Currency, Description, now);
        payments.Add(payment);

        var charge = await gateway.ChargeAsync(
            new CardChargeRequest(command.CardToken, command.Amount, wallet.Currency, Description,
                caller.OutboundIdempotencyKey("top-up")), cancellationToken);

        if (!charge.Approved)
        {
            // The declined attempt is kept (Failed) so it is explainable; the wallet does not move.
            payment.MarkFailed(charge.DeclineCode ?? CardDeclineCodes.CardDeclined, now);
            return PaymentDto.From(payment, wallet);
        }

        var entry = wallet.Credit(command.Amount, LedgerEntryType.Deposit, LedgerReference.ForPayment(payment.Id),
            Description, caller.Actor, now);
        wallets.AddEntry(entry);
        payment.MarkPaid(entry.Id, charge.GatewayReference, now);
        return PaymentDto.From(payment, wallet);
    }
}

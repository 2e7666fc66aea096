using System.Text.Json;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Behaviours;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Payments.Gateway;
using CleanWallet.Domain.Common;
using CleanWallet.Domain.Payments;
using CleanWallet.Domain.Wallets;
using MediatR;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Application.Payments.Commands.RecordCardChargeOutcome;

/// <summary>
/// The second phase of a card charge, in its own transaction: what the card processor answered is recorded on the Pending
/// payment — approved: Paid, and for a top-up the Deposit entry crediting the wallet; declined: Failed. Sent by the
/// request that charged the card and by the reconciliation job alike, so a charge completes the same way whoever records
/// it. Safe to run twice: the payment is locked and must still be Pending, otherwise it is answered as it stands.
/// When the processor's answer says what it charged (a lookup), a different amount or currency is never completed:
/// the payment is flagged and stays Pending. <see cref="Actor"/> is who the ledger entry names.
/// </summary>
public sealed record RecordCardChargeOutcomeCommand(Guid PaymentId, CardChargeResult Outcome, string Actor, IdempotentAnswer? Answer = null)
    : ICommand<PaymentDto>;

public sealed class RecordCardChargeOutcomeHandler(
    IPaymentStore payments,
    IWalletStore wallets,
    IIdempotencyStore idempotency,
    TimeProvider clock,
    ILogger<RecordCardChargeOutcomeHandler> logger) : IRequestHandler<RecordCardChargeOutcomeCommand, PaymentDto>
{
    public async Task<PaymentDto> Handle(RecordCardChargeOutcomeCommand command, CancellationToken cancellationToken)
    {
        // Payment, then wallet: the order refunds lock them in too.
        var payment = await payments.FindForUpdateAsync(command.PaymentId, cancellationToken)
                      ?? throw new NotFoundException("Payment", command.PaymentId);
        if (payment.Method != PaymentMethod.Card || payment.Status != PaymentStatus.Pending || payment.GatewayMismatch is not null)
            return PaymentDto.From(payment);

        var wallet = payment.WalletId is { } walletId
            ? await wallets.FindForUpdateAsync(walletId, cancellationToken)
              ?? throw new InvalidOperationException($"Wallet {walletId} of payment {payment.Id} does not exist.")
            : null;
        // Taken under the locks, so the Deposit entry is stamped no earlier than the entry before it.
        var now = clock.StorableNow();
        var outcome = command.Outcome;

        if (!outcome.Approved)
            payment.MarkDeclined(outcome.DeclineCode, ErrorCodes.CardDeclined, now);
        else if (outcome.Amount is { } charged && !payment.ConfirmProcessorCharge(charged, outcome.Currency ?? string.Empty, now))
            logger.LogError("Card payment {PaymentId} is left Pending and flagged: {Mismatch}", payment.Id, payment.GatewayMismatch);
        else if (wallet is not null)
        {
            wallets.AddEntry(wallet.DepositCardTopUp(payment, outcome.GatewayReference, command.Actor, now));
        }
        else
            payment.MarkPaid(ledgerEntryId: null, outcome.GatewayReference, now);

        var answer = PaymentDto.From(payment, wallet);
        // A replay of the client's key now answers the outcome, not the Pending record the first phase stored.
        if (command.Answer is { } key && payment.Status != PaymentStatus.Pending)
            await idempotency.ReplaceResponseAsync(key.Owner, key.Key, JsonSerializer.Serialize(answer, IdempotencyJson.Options), cancellationToken);
        return answer;
    }
}

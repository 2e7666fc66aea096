using CleanWallet.Domain.Common;

namespace CleanWallet.Domain.Payments;

/// <summary>
/// Money given back on a payment, kept forever (insert-only). It says where the money went: a wallet payment's
/// refund names the Refund ledger entry that credited the wallet; a direct card payment's refund names the card
/// processor's refund reference. Create it with the amount just registered by <see cref="PaymentRecord.RegisterRefund"/>.
/// </summary>
public sealed class Refund
{
    public const int MaxReasonLength = 500;
    public const int MaxGatewayReferenceLength = 100;

    private Refund()
    {
        Reason = string.Empty;
        Actor = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid PaymentId { get; private set; }
    public decimal Amount { get; private set; }
    public string Reason { get; private set; }
    public Guid? LedgerEntryId { get; private set; }
    public string? GatewayReference { get; private set; }
    public string Actor { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>A wallet payment's money credited back to its wallet by <paramref name="ledgerEntryId"/>.</summary>
    public static Refund ToWallet(PaymentRecord payment, decimal amount, string reason, Guid ledgerEntryId, string actor, DateTimeOffset now)
    {
        if (payment.Method != PaymentMethod.Wallet)
            throw new InvalidOperationException("Only a wallet payment is refunded to its wallet.");
        if (ledgerEntryId == Guid.Empty)
            throw new ArgumentException("A refund to a wallet must name the ledger entry that credited it.", nameof(ledgerEntryId));
        return Create(payment, amount, reason, ledgerEntryId, null, actor, now);
    }

    /// <summary>
    /// A direct card payment's money returned to the card, with the processor's refund reference when it gave one
    /// (the refund has happened at the processor by then, so a missing reference must not lose the record of it).
    /// <paramref name="id"/> is fixed before the processor is asked, since the processor knows the refund by a key derived from it
    /// (<see cref="GatewayIdempotencyKeyFor"/>).
    /// </summary>
    public static Refund ToCard(Guid id, PaymentRecord payment, decimal amount, string reason, string? gatewayReference, string actor,
        DateTimeOffset now)
    {
        if (id == Guid.Empty)
            throw new ArgumentException("A card refund needs the id its processor key was derived from.", nameof(id));
        if (payment.Method != PaymentMethod.Card || payment.WalletId is not null)
            throw new InvalidOperationException("Only a direct card payment is refunded to the card.");
        if (gatewayReference is { Length: > MaxGatewayReferenceLength })
            throw new ArgumentException($"A processor reference may have at most {MaxGatewayReferenceLength} characters.", nameof(gatewayReference));
        var refund = Create(payment, amount, reason, null, string.IsNullOrWhiteSpace(gatewayReference) ? null : gatewayReference, actor, now);
        refund.Id = id;
        return refund;
    }

    /// <summary>The key the card processor knows a card refund by: one per refund, never reused for another.</summary>
    public static string GatewayIdempotencyKeyFor(Guid refundId) => $"refund:{refundId}";

    private static Refund Create(PaymentRecord payment, decimal amount, string reason, Guid? ledgerEntryId, string? gatewayReference,
        string actor, DateTimeOffset now)
    {
        Money.EnsureValidAmount(amount);
        // The payment is the guard of "refunds never exceed the paid amount"; a refund it has not counted must not exist.
        if (payment.Status is not (PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded) || amount > payment.RefundedAmount)
            throw new InvalidOperationException("Register the refund on the payment (RegisterRefund) before recording it.");
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException(ErrorCodes.InvalidArgument, "A refund needs a reason.");
        if (reason.Length > MaxReasonLength)
            throw new DomainException(ErrorCodes.InvalidArgument, $"A refund reason may have at most {MaxReasonLength} characters.");
        // Every movement is explainable: who gave the money back.
        if (string.IsNullOrWhiteSpace(actor))
            throw new ArgumentException("A refund needs an actor.", nameof(actor));

        return new Refund
        {
            Id = Guid.CreateVersion7(now),
            PaymentId = payment.Id,
            Amount = Money.Normalize(amount),
            Reason = reason,
            LedgerEntryId = ledgerEntryId,
            GatewayReference = gatewayReference,
            Actor = actor,
            CreatedAt = now,
        };
    }
}

namespace CleanWallet.Application.Payments.Gateway;

/// <summary>
/// A charge request. <see cref="IdempotencyKey"/> lets the gateway recognise a repeated charge (after a
/// retry or a transaction re-run) and answer it without charging the card again.
/// </summary>
public sealed record CardChargeRequest(string CardToken, decimal Amount, string Currency, string Description, string IdempotencyKey);

/// <summary>
/// The processor's definitive answer about a charge. A lookup (<see cref="ICardGateway.FindChargeAsync"/>) also says what
/// was charged (<see cref="Amount"/>, <see cref="Currency"/>), so it can be checked against the payment.
/// </summary>
public sealed record CardChargeResult(bool Approved, string? GatewayReference, string? DeclineCode, decimal? Amount = null, string? Currency = null)
{
    public static CardChargeResult Approve(string reference) => new(true, reference, null);
    public static CardChargeResult Decline(string code) => new(false, null, code);
}

/// <summary>
/// Gives (part of) an earlier approved charge back to the card. <see cref="GatewayReference"/> is the charge's
/// reference; <see cref="IdempotencyKey"/> makes a repeated request refund at most once.
/// </summary>
public sealed record CardRefundRequest(string GatewayReference, decimal Amount, string Currency, string IdempotencyKey);

/// <summary>The processor's answer; <see cref="GatewayReference"/> is the refund's own reference when approved.</summary>
public sealed record CardRefundResult(bool Approved, string? GatewayReference, string? DeclineCode)
{
    public static CardRefundResult Approve(string reference) => new(true, reference, null);
    public static CardRefundResult Decline(string code) => new(false, null, code);
}

/// <summary>The card processor, an outside service.</summary>
public interface ICardGateway
{
    /// <summary>
    /// Charges the card once per <see cref="CardChargeRequest.IdempotencyKey"/>. Throws <see cref="CardGatewayUnavailableException"/>
    /// when there is no definitive answer (no answer, a timeout, a 5xx, or a 4xx that is not a decline such as 409
    /// "in progress"): the card may or may not have been charged.
    /// </summary>
    Task<CardChargeResult> ChargeAsync(CardChargeRequest request, CancellationToken ct);

    /// <summary>
    /// What became of the charge sent with <paramref name="idempotencyKey"/>, with its amount and currency; null when the
    /// processor never saw it. Throws <see cref="CardGatewayUnavailableException"/> when the processor cannot tell now.
    /// </summary>
    Task<CardChargeResult?> FindChargeAsync(string idempotencyKey, CancellationToken ct);

    Task<CardRefundResult> RefundAsync(CardRefundRequest request, CancellationToken ct);
}

/// <summary>
/// The processor gave no definitive answer: it could not be reached, did not answer in time, or refused to act yet. What
/// was asked may or may not have happened; asking again with the same idempotency key finds out without acting twice.
/// </summary>
public sealed class CardGatewayUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

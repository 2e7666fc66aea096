namespace CleanWallet.Application.Payments.Gateway;

/// <summary>
/// A charge request. <see cref="IdempotencyKey"/> lets the gateway recognise a repeated charge (after a
/// retry or a transaction re-run) and answer it without charging the card again.
/// </summary>
public sealed record CardChargeRequest(string CardToken, decimal Amount, string Currency, string Description, string IdempotencyKey);

public sealed record CardChargeResult(bool Approved, string? GatewayReference, string? DeclineCode)
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
    Task<CardChargeResult> ChargeAsync(CardChargeRequest request, CancellationToken ct);

    Task<CardRefundResult> RefundAsync(CardRefundRequest request, CancellationToken ct);
}

/// <summary>The gateway could not be reached or did not answer in time; the card was not knowingly charged.</summary>
public sealed class CardGatewayUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

public static class CardDeclineCodes
{
    public const string CardDeclined = "card_declined";
    /// <summary>The processor refused the request itself (for example an unknown token).</summary>
    public const string CardRejected = "card_rejected";
}

public static class CardRefundDeclineCodes
{
    public const string RefundDeclined = "refund_declined";
    /// <summary>The processor refused the request itself (for example an unknown charge reference).</summary>
    public const string RefundRejected = "refund_rejected";
}

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

/// <summary>The card processor, an outside service.</summary>
public interface ICardGateway
{
    Task<CardChargeResult> ChargeAsync(CardChargeRequest request, CancellationToken ct);
}

/// <summary>The gateway could not be reached or did not answer in time; the card was not knowingly charged.</summary>
public sealed class CardGatewayUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

public static class CardDeclineCodes
{
    public const string CardDeclined = "card_declined";
    /// <summary>The processor refused the request itself (for example an unknown token).</summary>
    public const string CardRejected = "card_rejected";
}

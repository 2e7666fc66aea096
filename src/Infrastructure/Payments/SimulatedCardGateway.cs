using System.Collections.Concurrent;
using CleanWallet.Application.Payments.Gateway;

namespace CleanWallet.Infrastructure.Payments;

/// <summary>
/// The card processor used when no real gateway is configured. Token rules: <c>tok_visa</c> (and any
/// <c>tok_ok_*</c>) is approved, <c>tok_declined</c> and anything else is declined. Like a real processor, it
/// answers a repeated idempotency key with the first answer instead of charging again. Refunds are always
/// approved (the API has already checked the refundable amount), once per idempotency key.
/// </summary>
public sealed class SimulatedCardGateway : ICardGateway
{
    private readonly ConcurrentDictionary<string, CardChargeResult> _charges = new();
    private readonly ConcurrentDictionary<string, CardRefundResult> _refunds = new();

    public Task<CardChargeResult> ChargeAsync(CardChargeRequest request, CancellationToken ct) =>
        Task.FromResult(_charges.GetOrAdd(request.IdempotencyKey, _ => Decide(request.CardToken)));

    public Task<CardRefundResult> RefundAsync(CardRefundRequest request, CancellationToken ct) =>
        Task.FromResult(_refunds.GetOrAdd(request.IdempotencyKey, _ => CardRefundResult.Approve($"sim_rf_{Guid.NewGuid():N}")));

    public static CardChargeResult Decide(string cardToken) =>
        cardToken == "tok_visa" || cardToken.StartsWith("tok_ok_", StringComparison.Ordinal)
            ? CardChargeResult.Approve($"sim_{Guid.NewGuid():N}")
            : CardChargeResult.Decline(CardDeclineCodes.CardDeclined);
}

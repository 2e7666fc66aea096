using CleanWallet.Application.Payments.Gateway;

namespace CleanWallet.Api.Tests.Payments;

/// <summary>Wraps the real card gateway (HTTP or simulated) and "kills the process" around the next charge, once.</summary>
public sealed class CrashingCardGateway(ICardGateway inner) : ICardGateway
{
    private int _crashPoint;

    public void CrashNextCharge(CardCrashPoint point) => Interlocked.Exchange(ref _crashPoint, (int)point);

    public async Task<CardChargeResult> ChargeAsync(CardChargeRequest request, CancellationToken ct)
    {
        var point = (CardCrashPoint)Interlocked.Exchange(ref _crashPoint, (int)CardCrashPoint.None);
        if (point == CardCrashPoint.BeforeCharge)
            throw new SimulatedCrashException("The process died before calling the card processor.");
        var result = await inner.ChargeAsync(request, ct);
        if (point == CardCrashPoint.AfterCharge)
            throw new SimulatedCrashException("The process died after the card processor answered.");
        return result;
    }

    public Task<CardChargeResult?> FindChargeAsync(string idempotencyKey, CancellationToken ct) => inner.FindChargeAsync(idempotencyKey, ct);

    public Task<CardRefundResult> RefundAsync(CardRefundRequest request, CancellationToken ct) => inner.RefundAsync(request, ct);
}

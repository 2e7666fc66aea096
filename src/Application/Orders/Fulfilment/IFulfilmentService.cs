using CleanWallet.Domain.Orders;

namespace CleanWallet.Application.Orders.Fulfilment;

/// <summary>
/// What the fulfilment service is asked to do for a paid order. <see cref="IdempotencyKey"/> is the order id, so
/// every attempt for one order, from the request or from the recovery step, is recognised as the same request.
/// </summary>
public sealed record FulfilmentRequest(
    Guid OrderId,
    Guid CustomerId,
    decimal Amount,
    string Currency,
    string Description,
    IReadOnlyList<OrderItem> Items,
    string IdempotencyKey);

/// <summary>The final outcome of fulfilling an order, after any retries, and how many calls it took.</summary>
public sealed record FulfilmentResult(bool Succeeded, string? FulfilmentId, string? FailureReason, int Attempts)
{
    public static FulfilmentResult Success(string fulfilmentId, int attempts) => new(true, fulfilmentId, null, attempts);

    public static FulfilmentResult Failure(string reason, int attempts) => new(false, null, reason, attempts);
}

/// <summary>
/// The outside service that delivers what an order bought. It never throws for a refusal, a timeout or an outage:
/// those are a failed <see cref="FulfilmentResult"/>, which refunds the order. Only cancellation is thrown.
/// </summary>
public interface IFulfilmentService
{
    Task<FulfilmentResult> FulfilAsync(FulfilmentRequest request, CancellationToken ct);
}

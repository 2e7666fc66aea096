using CleanWallet.Domain.Orders;

namespace CleanWallet.Application.Orders.Fulfilment;

/// <summary>
/// What the fulfilment service is asked to do for an order whose amount is held. <see cref="IdempotencyKey"/> is the
/// order id, so every attempt for one order, from the request or from recovery, is recognised as the same request.
/// </summary>
public sealed record FulfilmentRequest(
    Guid OrderId,
    Guid CustomerId,
    decimal Amount,
    string Currency,
    string Description,
    IReadOnlyList<OrderItem> Items,
    string IdempotencyKey);

public enum FulfilmentOutcome
{
    /// <summary>Fulfilled, with the service's fulfilment id: the hold is captured.</summary>
    Fulfilled,
    /// <summary>Definitely not fulfilled (a final 4xx refusal): the hold is voided.</summary>
    Refused,
    /// <summary>
    /// Not known (timeout or 5xx after the last attempt, unreachable, 409 in progress, a 2xx without a fulfilment id): the
    /// order stays Fulfilling with its hold, and recovery asks again with the same idempotency key.
    /// </summary>
    Unclear,
}

/// <summary>The outcome of asking the fulfilment service for an order, after any retries, and how many calls it took.</summary>
public sealed record FulfilmentResult(FulfilmentOutcome Outcome, string? FulfilmentId, string? Reason, int Attempts)
{
    public static FulfilmentResult Success(string fulfilmentId, int attempts) => new(FulfilmentOutcome.Fulfilled, fulfilmentId, null, attempts);

    public static FulfilmentResult Failure(string reason, int attempts) => new(FulfilmentOutcome.Refused, null, reason, attempts);

    public static FulfilmentResult Unclear(string what, int attempts) => new(FulfilmentOutcome.Unclear, null, what, attempts);
}

/// <summary>
/// The outside service that delivers what an order bought. It never throws for a refusal, a timeout or an outage:
/// those are a <see cref="FulfilmentResult"/> (Refused or Unclear). Only cancellation is thrown.
/// </summary>
public interface IFulfilmentService
{
    Task<FulfilmentResult> FulfilAsync(FulfilmentRequest request, CancellationToken ct);
}

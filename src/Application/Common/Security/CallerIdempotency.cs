namespace CleanWallet.Application.Common.Security;

public static class CallerIdempotency
{
    /// <summary>
    /// The key we hand to an outside service for one logical operation: the client's own idempotency key
    /// when it sent one (so its retries are recognised downstream too), else this request's id (stable across
    /// transaction re-runs).
    /// </summary>
    public static string OutboundIdempotencyKey(this ICallerContext caller, string purpose) =>
        caller.IdempotencyKey is { } key ? $"{purpose}:{caller.CallerId}:{key}" : $"{purpose}:{caller.OperationId:N}";
}

namespace CleanWallet.Application.Common.Security;

/// <summary>Who is making the current request, as established by authentication.</summary>
public interface ICallerContext
{
    /// <summary>Stable identity used to scope idempotency keys: the customer for customer keys, the key for staff keys.</summary>
    string CallerId { get; }

    /// <summary>What ledger entries and audit records name as the actor.</summary>
    string Actor { get; }

    CallerRole Role { get; }

    /// <summary>The id of the API key the request authenticated with ("bootstrap" for the configured admin key); null when unauthenticated.</summary>
    string? KeyId { get; }

    /// <summary>Set for customer keys only.</summary>
    Guid? CustomerId { get; }

    /// <summary>The client's Idempotency-Key header, when it sent one.</summary>
    string? IdempotencyKey { get; }

    /// <summary>The request id clients see in X-Request-Id and problem bodies; recorded in the audit log.</summary>
    string? RequestId { get; }

    /// <summary>Unique per HTTP request; stays the same when a command is retried after a transient failure.</summary>
    Guid OperationId { get; }
}

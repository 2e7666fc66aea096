using CleanWallet.Domain.Common;

namespace CleanWallet.Application.Common.Errors;

public sealed class IdempotencyKeyReusedException()
    : DomainException(ErrorCodes.IdempotencyKeyReused,
        "This Idempotency-Key was already used with a different request. Use a new key for a new request.");

using CleanWallet.Domain.Common;

namespace CleanWallet.Application.Common.Errors;

/// <summary>Missing, or not the caller's: both are a 404 so that ids of other customers leak nothing.</summary>
public sealed class NotFoundException(string resource, Guid id)
    : DomainException(ErrorCodes.NotFound, $"{resource} {id} was not found.", DomainErrorKind.NotFound);

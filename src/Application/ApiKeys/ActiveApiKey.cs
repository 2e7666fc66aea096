using CleanWallet.Domain.Access;

namespace CleanWallet.Application.ApiKeys;

/// <summary>What authentication needs of a stored, active (not revoked) API key: which key it is and what it may do.</summary>
public sealed record ActiveApiKey(Guid Id, ApiKeyRole Role, Guid? CustomerId, string Name);

using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using MediatR;

namespace CleanWallet.Application.ApiKeys.Commands.RevokeApiKey;

/// <summary>
/// Revokes an operations or admin key at once (authentication looks keys up on every request); audited.
/// Unknown (or a customer's key): 404. Already revoked: 409, so nobody believes they just revoked it.
/// </summary>
public sealed record RevokeApiKeyCommand(Guid Id) : ICommand<ApiKeyDto>;

public sealed class RevokeApiKeyHandler(IStaffApiKeyStore keys, AuditLog audit, TimeProvider clock)
    : IRequestHandler<RevokeApiKeyCommand, ApiKeyDto>
{
    public async Task<ApiKeyDto> Handle(RevokeApiKeyCommand command, CancellationToken cancellationToken)
    {
        // Locked, so of two concurrent revocations one succeeds and the other sees the key already revoked.
        var key = await keys.FindStaffKeyForUpdateAsync(command.Id, cancellationToken)
                  ?? throw new NotFoundException("API key", command.Id);
        var before = ApiKeyAuditSnapshot.Of(key);
        key.Revoke(clock.StorableNow());
        audit.Record(new AuditRecord(ApiKeyRules.RevokeAction, ApiKeyRules.AuditTarget, key.Id, Before: before,
            After: ApiKeyAuditSnapshot.Of(key)));
        return ApiKeyDto.From(key);
    }
}

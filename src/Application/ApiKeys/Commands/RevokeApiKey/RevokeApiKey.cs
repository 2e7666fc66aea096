using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Errors;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using MediatR;

namespace CleanWallet.Application.ApiKeys.Commands.RevokeApiKey;

/// <summary>
/// Revokes a key (the API evicts it from its key cache once this commits and announces it to the other nodes); audited. Without a customer id: an
/// operations or admin key. With one: a key of that customer, by the customer itself (never its last active key,
/// 409 <c>last_active_key</c>) or by an admin (any key). Unknown, or not in the scope: 404. Already revoked: 409, so
/// nobody believes they just revoked it.
/// </summary>
public sealed record RevokeApiKeyCommand(Guid Id, Guid? CustomerId = null) : ICommand<ApiKeyDto>;

public sealed class RevokeApiKeyHandler(IApiKeyStore keys, IReadStore read, ICallerContext caller, AuditLog audit, TimeProvider clock)
    : IRequestHandler<RevokeApiKeyCommand, ApiKeyDto>
{
    public async Task<ApiKeyDto> Handle(RevokeApiKeyCommand command, CancellationToken cancellationToken)
    {
        await read.EnsureManageableAsync(command.CustomerId, caller, cancellationToken);
        // Locked, so of two concurrent revocations one succeeds and the other sees the outcome.
        var locked = await keys.LockForRevocationAsync(command.CustomerId, command.Id, cancellationToken);
        var key = locked.SingleOrDefault(k => k.Id == command.Id) ?? throw new NotFoundException("API key", command.Id);
        var before = ApiKeyAuditSnapshot.Of(key);
        var now = clock.StorableNow();
        if (caller.Role == CallerRole.Customer)
            key.RevokeByItsCustomer(locked, now);
        else
            key.Revoke(now);
        audit.Record(new AuditRecord(ApiKeyRules.RevokeAction, ApiKeyRules.AuditTarget, key.Id, Before: before,
            After: ApiKeyAuditSnapshot.Of(key)));
        return ApiKeyDto.From(key);
    }
}

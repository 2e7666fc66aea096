using CleanWallet.Application.Access;
using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Domain.Access;
using MediatR;

namespace CleanWallet.Application.ApiKeys.Commands.CreateApiKey;

/// <summary>
/// Issues an operations or admin key; audited. Deliberately not idempotent: a replayable response would have to be
/// stored, and the secret must exist nowhere but in this one answer.
/// </summary>
public sealed record CreateApiKeyCommand(string Name, string Role) : ICommand<CreatedApiKey>;

/// <summary>The key itself is shown here once; only its hash is stored.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, string ApiKey);

public sealed class CreateApiKeyHandler(IApiKeyStore apiKeys, AuditLog audit, TimeProvider clock)
    : IRequestHandler<CreateApiKeyCommand, CreatedApiKey>
{
    public Task<CreatedApiKey> Handle(CreateApiKeyCommand command, CancellationToken cancellationToken)
    {
        var role = Enum.Parse<ApiKeyRole>(command.Role, ignoreCase: true);
        var (key, hash, prefix) = ApiKeyGenerator.NewKey();
        var apiKey = ApiKey.ForStaff(role, command.Name.Trim(), hash, prefix, clock.StorableNow());

        apiKeys.Add(apiKey);
        audit.Record(new AuditRecord(ApiKeyRules.CreateAction, ApiKeyRules.AuditTarget, apiKey.Id, After: ApiKeyAuditSnapshot.Of(apiKey)));
        return Task.FromResult(new CreatedApiKey(apiKey.Id, apiKey.Name, apiKey.Role.ToString(), apiKey.Prefix, apiKey.CreatedAt, key));
    }
}

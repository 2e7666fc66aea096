using CleanWallet.Application.ApiKeys;
using CleanWallet.Application.Audit;
using CleanWallet.Application.Common;
using CleanWallet.Application.Common.Messaging;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Access;
using MediatR;

namespace CleanWallet.Application.ApiKeys.Commands.CreateApiKey;

/// <summary>
/// Issues a key; audited. Without a customer id: an operations or admin key of the given role. With one: a key of that
/// customer (the role is implied), for the customer itself or an admin, so a customer can rotate its keys.
/// Deliberately not idempotent: a replayable response would have to be stored, and the secret must exist nowhere but
/// in this one answer.
/// </summary>
public sealed record CreateApiKeyCommand(string Name, string? Role, Guid? CustomerId = null) : ICommand<CreatedApiKey>;

/// <summary>The key itself is shown here once; only its hash is stored.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, string ApiKey);

public sealed class CreateApiKeyHandler(IApiKeyStore apiKeys, IReadStore read, ICallerContext caller, AuditLog audit, TimeProvider clock)
    : IRequestHandler<CreateApiKeyCommand, CreatedApiKey>
{
    public async Task<CreatedApiKey> Handle(CreateApiKeyCommand command, CancellationToken cancellationToken)
    {
        await read.EnsureManageableAsync(command.CustomerId, caller, cancellationToken);
        var (key, hash, prefix) = ApiKeyGenerator.NewKey();
        var name = command.Name.Trim();
        var now = clock.StorableNow();
        var apiKey = command.CustomerId is { } customer
            ? ApiKey.ForCustomer(customer, name, hash, prefix, now)
            : ApiKey.ForStaff(Enum.Parse<ApiKeyRole>(command.Role!, ignoreCase: true), name, hash, prefix, now);

        apiKeys.Add(apiKey);
        audit.Record(new AuditRecord(ApiKeyRules.CreateAction, ApiKeyRules.AuditTarget, apiKey.Id, After: ApiKeyAuditSnapshot.Of(apiKey)));
        return new CreatedApiKey(apiKey.Id, apiKey.Name, apiKey.Role.ToString(), apiKey.Prefix, apiKey.CreatedAt, key);
    }
}

using CleanWallet.Domain.Access;

namespace CleanWallet.Application.ApiKeys;

public static class ApiKeyRules
{
    /// <summary>The api_keys.name column holds this many characters.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The roles a staff key may have; customer keys are issued under their customer.</summary>
    public static readonly IReadOnlyList<ApiKeyRole> StaffRoles = [ApiKeyRole.Ops, ApiKeyRole.Admin];

    public const string AuditTarget = "api_key";
    public const string CreateAction = "api_key.create";
    public const string RevokeAction = "api_key.revoke";
}

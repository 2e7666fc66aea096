using System.Security.Claims;
using CleanWallet.Application.ApiKeys;
using CleanWallet.Domain.Access;

namespace CleanWallet.Api.Security;

/// <summary>A key that was found valid: which key it is and what it may do.</summary>
public sealed record ValidatedApiKey(string KeyId, ApiKeyRole Role, Guid? CustomerId, string Name)
{
    public bool IsStaff => Role is ApiKeyRole.Admin or ApiKeyRole.Ops;

    /// <summary>The claims every authenticated caller carries, whether it came with a Bearer key or a dashboard cookie.</summary>
    public List<Claim> ToClaims()
    {
        var claims = new List<Claim>
        {
            new(ApiClaims.KeyId, KeyId),
            new(ClaimTypes.Role, Role.ToString()),
            new(ClaimTypes.Name, Name),
        };
        if (CustomerId is { } id)
            claims.Add(new Claim(ApiClaims.CustomerId, id.ToString()));
        return claims;
    }
}

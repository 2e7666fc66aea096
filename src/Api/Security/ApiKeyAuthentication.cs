using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using CleanWallet.Application.Access;
using CleanWallet.Domain.Access;
using CleanWallet.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CleanWallet.Api.Security;

public sealed class AuthOptions
{
    /// <summary>An admin key taken from configuration, so a fresh installation can create its first customers.</summary>
    public string? BootstrapAdminKey { get; set; }
}

public static class ApiClaims
{
    public const string KeyId = "cw:key_id";
    public const string CustomerId = "cw:customer_id";
    public const string BootstrapKeyId = "bootstrap";
}

public static class Policies
{
    public const string Admin = "admin";
    /// <summary>Admin or operations staff: dashboards, jobs, integrity reports.</summary>
    public const string Staff = "staff";
    /// <summary>Whoever may move money: the owning customer or an admin, never an ops key.</summary>
    public const string MoneyMovers = "money-movers";
}

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>. Keys are looked up by their SHA-256 hash; the bootstrap admin key
/// from configuration is compared in constant time. Keys in the query string are never read.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthOptions> authOptions,
    WalletDbContext db) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
            return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <api key>'.");

        var key = header["Bearer ".Length..].Trim();
        if (key.Length is 0 or > 200)
            return AuthenticateResult.Fail("Invalid API key.");
        var hash = ApiKeyGenerator.Hash(key);

        if (authOptions.Value.BootstrapAdminKey is { Length: > 0 } bootstrap &&
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash), Encoding.ASCII.GetBytes(ApiKeyGenerator.Hash(bootstrap))))
            return Success(ApiClaims.BootstrapKeyId, ApiKeyRole.Admin, null, "bootstrap admin");

        var stored = await db.ApiKeys.AsNoTracking()
            .Where(k => k.KeyHash == hash && k.RevokedAt == null)
            .Select(k => new { k.Id, k.Role, k.CustomerId, k.Name })
            .FirstOrDefaultAsync(Context.RequestAborted);
        return stored is null
            ? AuthenticateResult.Fail("Invalid API key.")
            : Success(stored.Id.ToString(), stored.Role, stored.CustomerId, stored.Name);
    }

    private AuthenticateResult Success(string keyId, ApiKeyRole role, Guid? customerId, string name)
    {
        var claims = new List<Claim>
        {
            new(ApiClaims.KeyId, keyId),
            new(ClaimTypes.Role, role.ToString()),
            new(ClaimTypes.Name, name),
        };
        if (customerId is { } id)
            claims.Add(new Claim(ApiClaims.CustomerId, id.ToString()));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Errors.ProblemResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized, "unauthorized",
            "A valid API key is required: send 'Authorization: Bearer <api key>'.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Errors.ProblemResponses.WriteAsync(Context, StatusCodes.Status403Forbidden, "forbidden",
            "This API key's role may not use this endpoint.");
}

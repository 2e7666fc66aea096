using System.Security.Claims;
using System.Text.Encodings.Web;
using CleanWallet.Application.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using CleanWallet.Domain.Common;

namespace CleanWallet.Api.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>. Keys are looked up by their SHA-256 hash; the bootstrap admin key
/// from configuration is compared in constant time. Keys in the query string are never read.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthOptions> authOptions,
    IApiKeyStore keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
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
        var validated = await ApiKeyValidator.ValidateAsync(key, authOptions.Value, keys, Context.RequestAborted);
        if (validated is null)
            return AuthenticateResult.Fail("Invalid API key.");
        var identity = new ClaimsIdentity(validated.ToClaims(), SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>The realm named in the <c>WWW-Authenticate</c> challenge of every 401.</summary>
    public const string Realm = "CleanWallet API";

    /// <summary>
    /// 401 problem+json with the RFC 6750 challenge: <c>Bearer realm="…"</c>, plus <c>error="invalid_token"</c> when a
    /// Bearer key was sent but is unknown or revoked. No error code when no Bearer credentials were sent at all (none,
    /// or another scheme), as §3.1 asks.
    /// </summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var sentBearer = Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        Response.Headers.WWWAuthenticate = sentBearer
            ? $"Bearer realm=\"{Realm}\", error=\"invalid_token\", error_description=\"The API key is unknown or revoked.\""
            : $"Bearer realm=\"{Realm}\"";
        return Errors.ProblemResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
            "A valid API key is required: send 'Authorization: Bearer <api key>'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Errors.ProblemResponses.WriteAsync(Context, StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
            "This API key's role may not use this endpoint.");
}

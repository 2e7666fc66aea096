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

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Errors.ProblemResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
            "A valid API key is required: send 'Authorization: Bearer <api key>'.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Errors.ProblemResponses.WriteAsync(Context, StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
            "This API key's role may not use this endpoint.");
}

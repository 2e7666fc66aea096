using System.Security.Claims;
using CleanWallet.Application.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CleanWallet.Api.Security;

/// <summary>
/// Checks the key behind the cookie on every request, so revoking a key (or removing the bootstrap key) ends the
/// sessions opened with it at once rather than when the cookie expires.
/// </summary>
public sealed class OpsCookieEvents(IOptions<AuthOptions> authOptions, IApiKeyStore keys, ILogger<OpsCookieEvents> logger)
    : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var keyId = context.Principal?.FindFirstValue(ApiClaims.KeyId);
        var key = keyId is null
            ? null
            : await ApiKeyValidator.FindActiveAsync(keyId, authOptions.Value, keys, context.HttpContext.RequestAborted);
        if (key is { IsStaff: true })
            return;

        logger.LogInformation("Dashboard session of key {KeyId} ended: the key is no longer valid", keyId);
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(OpsCookie.SchemeName);
    }
}

using CleanWallet.Api.Security;
using CleanWallet.Application.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace CleanWallet.Api.Pages.Ops;

/// <summary>
/// Exchanges an admin or ops key, typed into the form, for the dashboard's session cookie. The key is read from the
/// posted form only: never from the query string, and a Bearer header is no login.
/// </summary>
[AllowAnonymous]
public sealed class LoginModel(IOptions<AuthOptions> authOptions, IApiKeyStore keys, ILogger<LoginModel> logger) : PageModel
{
    public const string RefusedMessage = "That key was not accepted: use a valid admin or ops API key.";

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "apiKey")] string? apiKey, [FromQuery(Name = "ReturnUrl")] string? returnUrl,
        CancellationToken cancellationToken)
    {
        var key = string.IsNullOrWhiteSpace(apiKey)
            ? null
            : await ApiKeyValidator.ValidateAsync(apiKey.Trim(), authOptions.Value, keys, cancellationToken);
        if (key is not { IsStaff: true })
        {
            // One message for a wrong key and a customer's key: the form tells an attacker nothing about which it was.
            logger.LogWarning("Dashboard login refused from {RemoteAddress}: {Reason}", HttpContext.Connection.RemoteIpAddress,
                key is null ? "not a valid key" : "not a staff key");
            Error = RefusedMessage;
            return Page();
        }

        await HttpContext.SignInAsync(OpsCookie.SchemeName, OpsCookie.PrincipalFor(key),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        logger.LogInformation("Dashboard login with {Role} key {KeyId}", key.Role, key.KeyId);
        return LocalRedirect(SafeReturnUrl(returnUrl));
    }

    /// <summary>Back to the dashboard page that sent the user here, never anywhere else.</summary>
    private static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is not null
        && (returnUrl == OpsCookie.BasePath || returnUrl.StartsWith(OpsCookie.BasePath + "?", StringComparison.Ordinal))
            ? returnUrl
            : OpsCookie.BasePath;
}

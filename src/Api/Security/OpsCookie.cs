using System.Security.Claims;
using CleanWallet.Api.Pages.Ops;
using CleanWallet.Application.ApiKeys;
using CleanWallet.Domain.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CleanWallet.Api.Security;

/// <summary>
/// The operations dashboard's session: an admin or ops key typed into the login form once, then an encrypted cookie.
/// Only the dashboards (/ops and Hangfire's at /hangfire) read the cookie, so the API keeps answering to Bearer keys
/// alone (401/403 problem+json, never a redirect).
/// </summary>
public static class OpsCookie
{
    public const string SchemeName = "OpsCookie";
    public const string PolicyName = "ops-dashboard";
    public const string CookieName = "cw_ops";
    public const string BasePath = "/ops";
    public const string LoginPath = "/ops/login";
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    public static AuthenticationBuilder AddOpsCookie(this AuthenticationBuilder authentication) =>
        authentication.AddCookie(SchemeName, options =>
        {
            options.Cookie.Name = CookieName;
            // "/" and not "/ops": the Hangfire dashboard at /hangfire is behind the same session. The API never reads it.
            options.Cookie.Path = "/";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = SessionLifetime;
            options.SlidingExpiration = true;
            options.LoginPath = LoginPath;
            options.LogoutPath = BasePath + "/logout";
            // Cookies are only issued to staff keys, so "denied" means the session went stale: log in again.
            options.AccessDeniedPath = LoginPath;
            options.EventsType = typeof(OpsCookieEvents);
        });

    /// <summary>Razor Pages under /ops, all behind the cookie except the login page, and the policy they use.</summary>
    public static IServiceCollection AddOpsDashboard(this IServiceCollection services)
    {
        services.AddScoped<OpsCookieEvents>();
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy
            .AddAuthenticationSchemes(SchemeName)
            .RequireRole(nameof(ApiKeyRole.Admin), nameof(ApiKeyRole.Ops)));
        services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/Ops", PolicyName);
            options.Conventions.AllowAnonymousToPage("/Ops/Login");
            options.Conventions.AddFolderApplicationModelConvention("/Ops", model => model.Filters.Add(new OpsPageHeadersFilter()));
        });
        // Should a page use TempData, its cookie is kept as tight as the session's.
        services.Configure<CookieTempDataProviderOptions>(options =>
        {
            // "/" and not "/ops": the Hangfire dashboard at /hangfire is behind the same session. The API never reads it.
            options.Cookie.Path = "/";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // The forms' antiforgery cookie likewise: Secure whenever the page was served over HTTPS (directly or behind a
        // known proxy), instead of the framework's default of never.
        services.Configure<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>(options =>
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        return services;
    }

    public static ClaimsPrincipal PrincipalFor(ValidatedApiKey key)
    {
        var claims = key.ToClaims();
        // A stable unique claim, so antiforgery tokens stay bound to this key across sliding renewals.
        claims.Add(new Claim(ClaimTypes.NameIdentifier, key.KeyId));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
    }
}

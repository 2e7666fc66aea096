using CleanWallet.Domain.Access;
using CleanWallet.Infrastructure.Scheduling;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;

namespace CleanWallet.Api.Security;

/// <summary>Lets in a valid /ops session of an admin or ops key, and nothing else.</summary>
public sealed class OpsSessionAuthorizationFilter : IDashboardAsyncAuthorizationFilter
{
    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        // The cookie handler's validation looks the key up (revoked: rejected and signed out).
        var session = await http.AuthenticateAsync(OpsCookie.SchemeName);
        return session.Succeeded
            && (session.Principal.IsInRole(nameof(ApiKeyRole.Admin)) || session.Principal.IsInRole(nameof(ApiKeyRole.Ops)));
    }
}

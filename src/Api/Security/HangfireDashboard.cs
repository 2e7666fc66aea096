using CleanWallet.Domain.Access;
using CleanWallet.Infrastructure.Scheduling;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;

namespace CleanWallet.Api.Security;

/// <summary>
/// Hangfire's dashboard at <c>/hangfire</c>, behind the /ops session: the endpoint requires the ops cookie policy (no
/// session: redirect to the ops login page; a Bearer header or a key in the query string is never looked at), and
/// Hangfire's own authorization filter checks the same cookie again, whose validation ends the session of a revoked
/// key. POSTs (trigger, delete, requeue) need Hangfire's antiforgery token: Hangfire.AspNetCore validates it with the
/// application's IAntiforgery (registered by Razor Pages), so a cross-site form cannot act.
/// </summary>
public static class HangfireDashboard
{
    public const string Path = "/hangfire";

    public static IEndpointConventionBuilder MapHangfireOpsDashboard(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHangfireDashboard(Path, new DashboardOptions
        {
            AppPath = OpsCookie.BasePath,
            DashboardTitle = "CleanWallet jobs",
            DisplayStorageConnectionString = false,
            IgnoreAntiforgeryToken = false,
            // Replaces Hangfire's default local-requests-only filter.
            Authorization = [],
            AsyncAuthorization = [new OpsSessionAuthorizationFilter()],
            DisplayNameFunc = (_, job) => DisplayName(job),
        }).RequireAuthorization(OpsCookie.PolicyName);

    /// <summary>"billing: Charges every running VM …" for a job of the registry; Hangfire's default otherwise.</summary>
    private static string DisplayName(Hangfire.Common.Job job) =>
        job.Args.Count > 0 && job.Args[0] is string name && RecurringJobs.Find(name) is { } known
            ? $"{known.Name}: {known.Description}"
            : $"{job.Type.Name}.{job.Method.Name}";

    /// <summary>Security headers for Hangfire's pages: never framed, nothing sniffed, cached or leaked in referrers.</summary>
    public static IApplicationBuilder UseHangfireDashboardHeaders(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), branch => branch.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            await next();
        }));
}

using CleanWallet.Api.Hosting;
using Microsoft.AspNetCore.Diagnostics;

namespace CleanWallet.Api.Errors;

/// <summary>
/// Errors the framework answers with an empty body — no route for the path (an unknown route, or an id that is not a
/// GUID), a method the route does not take (405, with the framework's <c>Allow</c> header) — leave the API as the same
/// problem+json as every other error: stable <c>code</c> (<c>not_found</c>, <c>method_not_allowed</c>, …), requestId,
/// whatever the Accept header. Other paths (dashboards, Swagger UI) keep the framework's default.
/// </summary>
public static class StatusCodeProblems
{
    public static IApplicationBuilder UseApiStatusCodeProblems(this IApplicationBuilder app)
    {
        var defaults = new StatusCodePagesOptions();
        return app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            if (!http.Request.Path.StartsWithSegments(NoStore.ApiPrefix))
                return defaults.HandleAsync(context);
            var status = http.Response.StatusCode;
            return ProblemResponses.WriteAsync(http, status, ProblemResponses.CodeForStatus(status), DetailFor(status));
        });
    }

    private static string DetailFor(int status) => status switch
    {
        404 => "Nothing is at this address: the path is not part of the API, or an id in it is not a GUID.",
        405 => "This path does not take this method; the Allow header lists the ones it takes.",
        _ => "The request failed.",
    };
}

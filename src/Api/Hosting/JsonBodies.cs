using CleanWallet.Domain.Common;
using CleanWallet.Api.Errors;
using Microsoft.Net.Http.Headers;

namespace CleanWallet.Api.Hosting;

/// <summary>
/// A request body sent to the API must be <c>application/json</c>, optionally with <c>charset=utf-8</c> (media type and
/// charset compared case-insensitively). Anything else (text/plain, a form, <c>application/vnd.x+json</c>, another
/// charset, no Content-Type at all) is a 415 <c>unsupported_media_type</c> before any endpoint runs, so nothing is
/// written. Requests without a body are not concerned.
/// </summary>
public static class JsonBodies
{
    public static IApplicationBuilder UseJsonBodiesOnly(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (!request.Path.StartsWithSegments(NoStore.ApiPrefix) || !HasBody(request))
            {
                await next();
                return;
            }
            if (IsAccepted(request.ContentType))
            {
                // One spelling downstream: the framework's body reader fails (a 500) on a quoted charset="utf-8".
                request.ContentType = "application/json; charset=utf-8";
                await next();
                return;
            }
            await ProblemResponses.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                "Send the body as application/json (optionally with charset=utf-8).");
        });

    /// <summary>
    /// Whether the request carries a body: the server's own answer (a Content-Length above zero, a chunked HTTP/1.1 body,
    /// an HTTP/2 or HTTP/3 stream that has data), else judged from the headers.
    /// </summary>
    private static bool HasBody(HttpRequest request) =>
        request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody
        ?? (request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0));

    public static bool IsAccepted(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            return false;
        foreach (var parameter in mediaType.Parameters)
        {
            if (!parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)
                || !HeaderUtilities.RemoveQuotes(parameter.Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase))
                return false;
        }
        return true;
    }
}

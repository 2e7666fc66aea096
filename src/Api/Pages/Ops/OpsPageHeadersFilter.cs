using Microsoft.AspNetCore.Mvc.Filters;

namespace CleanWallet.Api.Pages.Ops;

/// <summary>
/// Response headers for the dashboard's pages: never framed (its buttons start jobs), no scripts at all, forms post
/// only back here, and nothing cached (it shows live operational data).
/// </summary>
public sealed class OpsPageHeadersFilter : IResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy =
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}

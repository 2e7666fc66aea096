namespace CleanWallet.Api.Hosting;

/// <summary>
/// Every answer under <c>/api</c> carries <c>Cache-Control: no-store</c>, whatever its status: each one is about one
/// caller's money or keys (balances, wallets, /me, statements, a new key's secret shown once) or one request (errors
/// carry its requestId), so no browser, proxy or CDN may keep a copy. One rule for the whole API rather than a list of
/// endpoints, so a new endpoint cannot forget it. The public OpenAPI document and Swagger UI are not under /api and
/// stay cacheable; the health probes (by the framework) and the dashboards (by their own filters) already send no-store.
/// </summary>
public static class NoStore
{
    public const string ApiPrefix = "/api";

    public static IApplicationBuilder UseNoStoreForApi(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(ApiPrefix))
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.CacheControl = "no-store";
                    return Task.CompletedTask;
                });
            await next();
        });
}

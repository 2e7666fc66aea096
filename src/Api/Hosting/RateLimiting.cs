using System.Security.Claims;
using System.Threading.RateLimiting;
using CleanWallet.Api.Errors;
using CleanWallet.Api.Security;
using Microsoft.AspNetCore.RateLimiting;
using CleanWallet.Domain.Common;

namespace CleanWallet.Api.Hosting;

public static class RateLimiting
{
    /// <summary>
    /// A fixed window per API key (per client IP for unauthenticated calls). Runs after authentication so the key,
    /// not a spoofable header, picks the partition; health endpoints opt out. The client IP is the connection's remote
    /// address, which behind a configured known proxy is the client's own (see <see cref="TrustedProxies"/>).
    /// </summary>
    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("RateLimiting").Get<RateLimitingOptions>() ?? new RateLimitingOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, options.PermitsPerMinute),
                    Window = TimeSpan.FromSeconds(Math.Max(1, options.WindowSeconds)),
                    QueueLimit = 0,
                }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? (int)Math.Ceiling(wait.TotalSeconds)
                    : options.WindowSeconds;
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ProblemResponses.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                    $"Too many requests: at most {options.PermitsPerMinute} per {options.WindowSeconds} s for each API key. Retry after the Retry-After seconds.");
            };
        });
        return services;
    }

    private static string PartitionKey(HttpContext context) =>
        context.User.FindFirstValue(ApiClaims.KeyId) is { } keyId
            ? $"key:{keyId}"
            : $"ip:{context.Connection.RemoteIpAddress}";
}

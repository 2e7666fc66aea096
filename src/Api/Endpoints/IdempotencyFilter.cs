using CleanWallet.Api.Errors;
using CleanWallet.Api.Security;
using CleanWallet.Application.Common.Security;
using CleanWallet.Domain.Common;

namespace CleanWallet.Api.Endpoints;

/// <summary>
/// For money-moving endpoints: checks the Idempotency-Key header's form and marks replayed answers with
/// <c>Idempotent-Replayed: true</c>, so a client can tell a replay from a first execution.
/// </summary>
public sealed class IdempotencyFilter : IEndpointFilter
{
    public const int MaxKeyLength = 255;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var values = http.Request.Headers[HttpCallerContext.IdempotencyHeader];
        if (values.Count > 1 || (values.Count == 1 && !IsValidKey(values[0])))
            return ProblemResponses.Result(http, 400, ErrorCodes.InvalidIdempotencyKey,
                $"The Idempotency-Key header must be one value of 1 to {MaxKeyLength} visible ASCII characters.");

        var result = await next(context);
        if (http.RequestServices.GetRequiredService<ICallerContext>().ResponseReplayed)
            http.Response.Headers["Idempotent-Replayed"] = "true";
        return result;
    }

    private static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && key.All(c => c is > ' ' and <= '~');
}

public static class IdempotencyFilterExtensions
{
    public static RouteHandlerBuilder AcceptsIdempotencyKey(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>().WithMetadata(IdempotencyKeyMetadata.Instance);
}

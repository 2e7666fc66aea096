using CleanWallet.Api.Errors;
using CleanWallet.Api.Security;
using CleanWallet.Domain.Common;

namespace CleanWallet.Api.Endpoints;

/// <summary>
/// For money-moving endpoints: checks the Idempotency-Key header's form before anything runs. (Replayed answers are
/// marked by <see cref="IdempotentSending.SendIdempotent{TResponse}"/>, from the answer itself.)
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

        return await next(context);
    }

    private static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && key.All(c => c is > ' ' and <= '~');
}

public static class IdempotencyFilterExtensions
{
    public static RouteHandlerBuilder AcceptsIdempotencyKey(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>().WithMetadata(IdempotencyKeyMetadata.Instance);
}

using System.Globalization;
using System.Text.Json;
using CleanWallet.Api.Hosting;
using CleanWallet.Application.Common.Persistence;
using CleanWallet.Application.Integrity;
using CleanWallet.Application.Payments.Gateway;
using CleanWallet.Domain.Common;
using CleanWallet.Infrastructure.Persistence;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace CleanWallet.Api.Errors;

/// <summary>Turns every exception into a problem+json answer; unexpected ones are logged and told nothing.</summary>
public sealed class ApiExceptionHandler(IOptions<IntegrityOptions> integrity, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>What a 503 from the database tells the client to wait: a fast restart is over by then.</summary>
    private const string RetryAfterSeconds = "5";

    /// <summary>What a 409 <c>concurrent_update</c> tells the client to wait: contention on a row passes in milliseconds.</summary>
    private const string ContentionRetryAfterSeconds = "1";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case ValidationException validation:
                var errors = validation.Errors
                    .GroupBy(e => JsonFieldName(e.PropertyName))
                    .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
                await ProblemResponses.WriteAsync(context, 400, ErrorCodes.ValidationFailed, "One or more fields are invalid.", errors);
                return true;

            case BadHttpRequestException badRequest:
                await WriteBadRequestAsync(context, badRequest);
                return true;

            case DomainException domain:
                var status = domain.Kind switch
                {
                    DomainErrorKind.NotFound => 404,
                    DomainErrorKind.Conflict => 409,
                    _ => 422,
                };
                // Another check holds the one-at-a-time lock: worth retrying once it is likely done.
                if (domain is IntegrityCheckRunningException)
                    context.Response.Headers.RetryAfter =
                        Math.Max(1, integrity.Value.RetryAfterSeconds).ToString(CultureInfo.InvariantCulture);
                await ProblemResponses.WriteAsync(context, status, domain.Code, domain.Message, extensions: domain.Details);
                return true;

            case CardGatewayUnavailableException gateway:
                logger.LogWarning(gateway, "Card gateway unavailable");
                await ProblemResponses.WriteAsync(context, 503, ErrorCodes.PaymentGatewayUnavailable,
                    "The card processor could not be reached or did not answer in time; nothing was recorded. " +
                    "Retry with the same Idempotency-Key: the processor recognises it and never acts twice.");
                return true;

            case CommitOutcomeUnknownException:
                logger.LogError(exception, "The outcome of a commit is unknown for {Method} {Path}", context.Request.Method, context.Request.Path);
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
                await ProblemResponses.WriteAsync(context, 503, ErrorCodes.CommitOutcomeUnknown,
                    "The database stopped answering while this request was being committed, so it may or may not have taken effect. " +
                    "Retrying with the same Idempotency-Key is safe: the request is then applied once. Without a key, look it up before retrying.");
                return true;

            case Exception when DatabaseFailures.IsUnavailable(exception):
                logger.LogWarning("Database unavailable for {Method} {Path}: {Error}", context.Request.Method, context.Request.Path,
                    exception.GetBaseException().Message);
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
                await ProblemResponses.WriteAsync(context, 503, ErrorCodes.DatabaseUnavailable,
                    "The database is unavailable or restarting, so the request was not completed. Try again shortly.");
                return true;

            case Exception when DatabaseFailures.IsContention(exception):
                // The transaction behaviour already ran it again (Transactions:MaxRetries); nothing of it was kept.
                logger.LogWarning("Contention outlasted the retries for {Method} {Path}: {Error}", context.Request.Method, context.Request.Path,
                    exception.GetBaseException().Message);
                context.Response.Headers.RetryAfter = ContentionRetryAfterSeconds;
                await ProblemResponses.WriteAsync(context, 409, ErrorCodes.ConcurrentUpdate,
                    "Other requests were changing the same records and this one did not get through after several attempts; nothing was applied. " +
                    "Retry shortly with the same Idempotency-Key.");
                return true;

            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return true;

            default:
                logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
                await ProblemResponses.WriteAsync(context, 500, ErrorCodes.InternalError,
                    "Something went wrong on our side; nothing was applied. Quote the requestId when you contact support.");
                return true;
        }
    }

    private static Task WriteBadRequestAsync(HttpContext context, BadHttpRequestException exception)
    {
        if (exception.StatusCode == 413)
            return ProblemResponses.WriteAsync(context, 413, ErrorCodes.PayloadTooLarge, "The request body is too large.");
        if (exception.StatusCode == 415)
            return ProblemResponses.WriteAsync(context, 415, ErrorCodes.UnsupportedMediaType, "Send the body as application/json.");

        // JSON errors name the offending field ($.amount) but never echo internals.
        if (exception.InnerException is JsonException json)
        {
            var field = string.IsNullOrEmpty(json.Path) ? "$" : json.Path;
            var message = json.Message.Contains("could not be mapped", StringComparison.Ordinal) ? "Unknown field."
                : json.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) ? "The field appears more than once."
                : NulCharacters.IsRefusal(json) ? NulCharacters.Message
                : "The value is malformed or of the wrong type.";
            return ProblemResponses.WriteAsync(context, 400, ErrorCodes.MalformedRequest, "The request body is not valid JSON for this endpoint.",
                new Dictionary<string, string[]> { [field] = [message] });
        }

        return ProblemResponses.WriteAsync(context, 400, ErrorCodes.MalformedRequest,
            exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
                ? "The request body is missing or not valid JSON."
                : "The request is malformed.");
    }

    private static string JsonFieldName(string propertyName) =>
        string.IsNullOrEmpty(propertyName) ? "$" : char.ToLowerInvariant(propertyName[0]) + propertyName[1..];
}

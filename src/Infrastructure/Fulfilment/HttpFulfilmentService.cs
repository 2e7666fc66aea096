using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanWallet.Application.Orders.Fulfilment;
using CleanWallet.Domain.Orders;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CleanWallet.Infrastructure.Fulfilment;

/// <summary>
/// Talks to the fulfilment service over HTTP: <c>POST {base}/fulfilments</c> with <c>{orderId, customerId, amount,
/// currency, description, items}</c> and an <c>Idempotency-Key</c> header (the order id), answered 2xx
/// <c>{fulfilmentId}</c>. A 4xx (e.g. 422 <c>{reason}</c>) other than 408, 409 and 429 is a final refusal, never retried.
/// A 5xx, 408, 409 (in progress), 429, a timeout (per attempt) or a connection error is retried with exponential backoff
/// up to <see cref="FulfilmentOptions.MaxAttempts"/> calls in all; after the last one the outcome is Unclear (the
/// service may have acted), as is a 2xx without a usable fulfilment id. Retries, and recovery asking again later, are
/// safe because the idempotency key makes the service act at most once per order.
/// </summary>
public sealed class HttpFulfilmentService : IFulfilmentService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly ILogger<HttpFulfilmentService> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly int _timeoutSeconds;

    public HttpFulfilmentService(HttpClient http, FulfilmentOptions options, ILogger<HttpFulfilmentService> logger)
    {
        _http = http;
        _logger = logger;
        _timeoutSeconds = options.TimeoutSeconds;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        // Polly counts retries, we count calls: MaxAttempts 1 means no retry strategy at all.
        if (options.MaxAttempts > 1)
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                Delay = TimeSpan.FromMilliseconds(options.RetryBaseDelayMilliseconds),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsTransient(r.StatusCode)),
            });
        // Inside the retry, so each attempt gets its own time limit.
        _pipeline = builder.AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds)).Build();
    }

    public async Task<FulfilmentResult> FulfilAsync(FulfilmentRequest request, CancellationToken ct)
    {
        var attempts = 0;
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                Interlocked.Increment(ref attempts);
                using var message = new HttpRequestMessage(HttpMethod.Post, "fulfilments")
                {
                    Content = JsonContent.Create(new
                    {
                        request.OrderId,
                        request.CustomerId,
                        request.Amount,
                        request.Currency,
                        request.Description,
                        request.Items,
                    }, options: Json),
                };
                message.Headers.Add("Idempotency-Key", request.IdempotencyKey);
                return await _http.SendAsync(message, token);
            }, ct);
        }
        catch (TimeoutRejectedException)
        {
            return Unavailable(request, $"The fulfilment service did not answer within {_timeoutSeconds} s", attempts);
        }
        catch (HttpRequestException ex)
        {
            return Unavailable(request, $"The fulfilment service could not be reached ({ex.HttpRequestError})", attempts);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is >= 400 and < 500 && !IsTransient(response.StatusCode))
            {
                var reason = await ReadAsync<Refusal>(response, ct);
                return FulfilmentResult.Failure(
                    string.IsNullOrWhiteSpace(reason?.Reason) ? $"The fulfilment service refused the order ({status})." : reason.Reason.Trim(),
                    attempts);
            }
            if (!response.IsSuccessStatusCode)
                return Unavailable(request, response.StatusCode == HttpStatusCode.Conflict
                    ? "The fulfilment service still had the order in progress (409)"
                    : $"The fulfilment service answered {status}", attempts);

            var answer = await ReadAsync<Fulfilled>(response, ct);
            if (answer?.FulfilmentId is not { Length: > 0 and <= Order.MaxFulfilmentIdLength } fulfilmentId || string.IsNullOrWhiteSpace(fulfilmentId))
                return Unavailable(request, $"The fulfilment service answered {status} without a usable fulfilment id", attempts);
            return FulfilmentResult.Success(fulfilmentId, attempts);
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status >= HttpStatusCode.InternalServerError
        || status is HttpStatusCode.RequestTimeout or HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests;

    private FulfilmentResult Unavailable(FulfilmentRequest request, string what, int attempts)
    {
        _logger.LogWarning("Fulfilment of order {OrderId} is unclear: {What} after {Attempts} attempt(s)", request.OrderId, what, attempts);
        return FulfilmentResult.Unclear($"{what} after {attempts} attempt(s).", attempts);
    }

    /// <summary>The body as <typeparamref name="T"/>, or null when it is missing or unreadable.</summary>
    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, ct);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    private sealed record Fulfilled(string? FulfilmentId);

    private sealed record Refusal(string? Reason);
}

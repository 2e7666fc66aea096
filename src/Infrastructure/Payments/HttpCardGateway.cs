using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanWallet.Application.Payments.Gateway;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CleanWallet.Infrastructure.Payments;

public sealed class CardGatewayOptions
{
    /// <summary>Base URL of a card processor speaking the JSON contract below; empty uses the built-in simulator.</summary>
    public string? BaseUrl { get; set; }

    public int TimeoutSeconds { get; set; } = 5;

    public int MaxRetries { get; set; } = 2;

    public int RetryBaseDelayMilliseconds { get; set; } = 200;
}

/// <summary>
/// Talks to a card processor over HTTP, every call with an <c>Idempotency-Key</c> header and answered 200
/// <c>{approved, reference, declineCode}</c>: <c>POST {base}/charges</c> with <c>{cardToken, amount, currency,
/// description}</c>, and <c>POST {base}/refunds</c> with <c>{gatewayReference, amount, currency}</c> (the charge's
/// reference). Retries are safe because the idempotency key makes the processor act at most once.
/// </summary>
public sealed class HttpCardGateway : ICardGateway
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public HttpCardGateway(HttpClient http, CardGatewayOptions options)
    {
        _http = http;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = TimeSpan.FromMilliseconds(options.RetryBaseDelayMilliseconds),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode >= HttpStatusCode.InternalServerError || r.StatusCode == HttpStatusCode.TooManyRequests),
            })
            .AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds))
            .Build();
    }

    public async Task<CardChargeResult> ChargeAsync(CardChargeRequest request, CancellationToken ct)
    {
        var answer = await PostAsync("charges", new { request.CardToken, request.Amount, request.Currency, request.Description },
            request.IdempotencyKey, ct);
        if (answer is null)
            return CardChargeResult.Decline(CardDeclineCodes.CardRejected);
        return answer.Approved
            ? CardChargeResult.Approve(answer.Reference ?? string.Empty)
            : CardChargeResult.Decline(answer.DeclineCode ?? CardDeclineCodes.CardDeclined);
    }

    public async Task<CardRefundResult> RefundAsync(CardRefundRequest request, CancellationToken ct)
    {
        var answer = await PostAsync("refunds", new { request.GatewayReference, request.Amount, request.Currency },
            request.IdempotencyKey, ct);
        if (answer is null)
            return CardRefundResult.Decline(CardRefundDeclineCodes.RefundRejected);
        return answer.Approved
            ? CardRefundResult.Approve(answer.Reference ?? string.Empty)
            : CardRefundResult.Decline(answer.DeclineCode ?? CardRefundDeclineCodes.RefundDeclined);
    }

    /// <summary>
    /// One call through the retry and timeout pipeline. Null when the processor refused the request itself (a 4xx:
    /// bad token, unknown charge): a decline, not an outage. No answer, a 5xx after the retries or an unreadable
    /// body is <see cref="CardGatewayUnavailableException"/>.
    /// </summary>
    private async Task<GatewayAnswer?> PostAsync(string path, object body, string idempotencyKey, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
                message.Headers.Add("Idempotency-Key", idempotencyKey);
                return await _http.SendAsync(message, token);
            }, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            throw new CardGatewayUnavailableException("The card gateway did not answer.", ex);
        }

        using (response)
        {
            if ((int)response.StatusCode is >= 400 and < 500)
                return null;
            if (!response.IsSuccessStatusCode)
                throw new CardGatewayUnavailableException($"The card gateway answered {(int)response.StatusCode}.");
            GatewayAnswer? answer;
            try
            {
                answer = await response.Content.ReadFromJsonAsync<GatewayAnswer>(ct);
            }
            catch (JsonException ex)
            {
                throw new CardGatewayUnavailableException("The card gateway sent an answer we cannot read.", ex);
            }
            return answer ?? throw new CardGatewayUnavailableException("The card gateway sent an empty answer.");
        }
    }

    private sealed record GatewayAnswer(bool Approved, string? Reference, string? DeclineCode);
}

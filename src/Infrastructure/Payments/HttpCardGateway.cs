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
/// Talks to a card processor over HTTP: <c>POST {base}/charges</c> with <c>{cardToken, amount, currency,
/// description}</c> and an <c>Idempotency-Key</c> header; 200 <c>{approved, reference, declineCode}</c>.
/// Retries are safe because the idempotency key makes the processor charge at most once.
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
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, "charges")
                {
                    Content = JsonContent.Create(new { request.CardToken, request.Amount, request.Currency, request.Description }),
                };
                message.Headers.Add("Idempotency-Key", request.IdempotencyKey);
                return await _http.SendAsync(message, token);
            }, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            throw new CardGatewayUnavailableException("The card gateway did not answer.", ex);
        }

        using (response)
        {
            // A 4xx is the processor refusing this charge (bad token, card not accepted): a decline, not an outage.
            if ((int)response.StatusCode is >= 400 and < 500)
                return CardChargeResult.Decline(CardDeclineCodes.CardRejected);
            if (!response.IsSuccessStatusCode)
                throw new CardGatewayUnavailableException($"The card gateway answered {(int)response.StatusCode}.");
            ChargeResponse? body;
            try
            {
                body = await response.Content.ReadFromJsonAsync<ChargeResponse>(ct);
            }
            catch (JsonException ex)
            {
                throw new CardGatewayUnavailableException("The card gateway sent an answer we cannot read.", ex);
            }
            if (body is null)
                throw new CardGatewayUnavailableException("The card gateway sent an empty answer.");
            return body.Approved
                ? CardChargeResult.Approve(body.Reference ?? string.Empty)
                : CardChargeResult.Decline(body.DeclineCode ?? CardDeclineCodes.CardDeclined);
        }
    }

    private sealed record ChargeResponse(bool Approved, string? Reference, string? DeclineCode);
}

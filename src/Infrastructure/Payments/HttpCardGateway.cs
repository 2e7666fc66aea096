using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanWallet.Application.Payments.Gateway;
using CleanWallet.Domain.Common;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CleanWallet.Infrastructure.Payments;

/// <summary>
/// Talks to a card processor over HTTP, every call with an <c>Idempotency-Key</c> header and answered 200
/// <c>{approved, reference, declineCode}</c>: <c>POST {base}/charges</c> with <c>{cardToken, amount, currency,
/// description}</c>, and <c>POST {base}/refunds</c> with <c>{gatewayReference, amount, currency}</c> (the charge's
/// reference). <c>GET {base}/charges/{key}</c> looks a charge up by its idempotency key: 200 with the same answer plus
/// <c>amount</c> and <c>currency</c>, or 404 when the processor never saw it. Retries are safe because the idempotency
/// key makes the processor act at most once. A charge answered with a 4xx is no decline (a decline is a 200 with
/// <c>approved: false</c>): the processor did not say what became of it, so it is left to reconciliation.
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
        var (status, answer) = await SendAsync(() => Post("charges", new { request.CardToken, request.Amount, request.Currency, request.Description },
            request.IdempotencyKey), ct);
        if (answer is null)
            throw new CardGatewayUnavailableException($"The card gateway answered {status} to a charge, which is not a decline; its outcome is unknown.");
        return ToResult(answer);
    }

    public async Task<CardChargeResult?> FindChargeAsync(string idempotencyKey, CancellationToken ct)
    {
        var (status, answer) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"charges/{Uri.EscapeDataString(idempotencyKey)}"), ct);
        if (status == (int)HttpStatusCode.NotFound)
            return null;
        if (answer is null)
            throw new CardGatewayUnavailableException($"The card gateway answered {status} to a charge lookup.");
        if (answer.Amount is null || string.IsNullOrEmpty(answer.Currency))
            throw new CardGatewayUnavailableException("The card gateway's charge lookup did not say what was charged.");
        return ToResult(answer) with { Amount = answer.Amount, Currency = answer.Currency };
    }

    private static CardChargeResult ToResult(GatewayAnswer answer) =>
        answer.Approved
            ? CardChargeResult.Approve(answer.Reference ?? string.Empty)
            : CardChargeResult.Decline(answer.DeclineCode ?? ErrorCodes.CardDeclined);

    public async Task<CardRefundResult> RefundAsync(CardRefundRequest request, CancellationToken ct)
    {
        var (_, answer) = await SendAsync(() => Post("refunds", new { request.GatewayReference, request.Amount, request.Currency },
            request.IdempotencyKey), ct);
        if (answer is null)
            return CardRefundResult.Decline(ErrorCodes.RefundRejected);
        return answer.Approved
            ? CardRefundResult.Approve(answer.Reference ?? string.Empty)
            : CardRefundResult.Decline(answer.DeclineCode ?? ErrorCodes.RefundDeclined);
    }

    private static HttpRequestMessage Post(string path, object body, string idempotencyKey)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        message.Headers.Add("Idempotency-Key", idempotencyKey);
        return message;
    }

    /// <summary>
    /// One call through the retry and timeout pipeline, with its status code. The answer is null when the processor
    /// refused the request itself (a 4xx); the caller decides what that means. No answer, a 5xx after the retries or an
    /// unreadable body is <see cref="CardGatewayUnavailableException"/>.
    /// </summary>
    private async Task<(int Status, GatewayAnswer? Answer)> SendAsync(Func<HttpRequestMessage> createMessage, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                using var message = createMessage();
                return await _http.SendAsync(message, token);
            }, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            throw new CardGatewayUnavailableException("The card gateway did not answer.", ex);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is >= 400 and < 500)
                return (status, null);
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
            return (status, answer ?? throw new CardGatewayUnavailableException("The card gateway sent an empty answer."));
        }
    }

    private sealed record GatewayAnswer(bool Approved, string? Reference, string? DeclineCode, decimal? Amount, string? Currency);
}

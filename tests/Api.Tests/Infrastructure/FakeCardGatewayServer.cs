using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>One <c>POST /charges</c> the fake received, as it arrived.</summary>
public sealed record FakeChargeCall(
    string? CardToken,
    decimal? Amount,
    string? Currency,
    string? Description,
    string? IdempotencyKey,
    TimeSpan ReceivedAt,
    int PlannedStatusCode);

/// <summary>One <c>GET /charges/{key}</c> the fake received, with the status it planned to answer.</summary>
public sealed record FakeLookupCall(string IdempotencyKey, int PlannedStatusCode);

/// <summary>One <c>POST /refunds</c> the fake received, as it arrived.</summary>
public sealed record FakeRefundCall(string? GatewayReference, decimal? Amount, string? Currency, string? IdempotencyKey, int PlannedStatusCode);

/// <summary>
/// A card processor on a real loopback port speaking the contract of <c>HttpCardGateway</c>:
/// <c>POST /charges</c> with <c>{cardToken, amount, currency, description}</c> and an <c>Idempotency-Key</c>
/// header; 200 <c>{approved, reference, declineCode}</c>. <c>tok_visa</c> is approved, <c>tok_declined</c>
/// (and any other token) is declined with <c>card_declined</c>. A repeated idempotency key gets the first
/// answer and is charged once. <c>POST /refunds</c> with <c>{gatewayReference, amount, currency}</c> approves every
/// well-formed refund, once per idempotency key. <c>GET /charges/{key}</c> answers the charge made under that key with its
/// amount and currency, or 404 when it never saw one. Every call is recorded; the next calls (charges, lookups or
/// refunds) can be made to fail or be slow, and the next charges can be processed but answered with an error status.
/// </summary>
public sealed class FakeCardGatewayServer : ScriptableFakeServer
{
    private readonly List<FakeChargeCall> _calls = [];
    private readonly ConcurrentDictionary<string, Lazy<ChargeAnswer>> _charges = new(StringComparer.Ordinal);
    private readonly List<FakeLookupCall> _lookupCalls = [];
    private int _processButFailRemaining;
    private int _processButFailStatus;
    private readonly List<FakeRefundCall> _refundCalls = [];
    private readonly ConcurrentDictionary<string, Lazy<ChargeAnswer>> _refunds = new(StringComparer.Ordinal);

    private FakeCardGatewayServer()
    {
    }

    /// <summary>A snapshot of every charge call so far, in arrival order.</summary>
    public IReadOnlyList<FakeChargeCall> Calls => Snapshot(_calls);

    public int CallCount => Calls.Count;

    /// <summary>A snapshot of every charge lookup so far, in arrival order.</summary>
    public IReadOnlyList<FakeLookupCall> LookupCalls => Snapshot(_lookupCalls);

    /// <summary>The decline code a declined charge answers (a processor may send anything here).</summary>
    public string DeclineCode { get; set; } = "card_declined";

    /// <summary>Added to the amount a lookup reports, to play a processor whose charge does not match the payment.</summary>
    public decimal LookupAmountOffset { get; set; }

    /// <summary>
    /// The next <paramref name="count"/> charges are processed (the card is charged or declined, once per key) but answered
    /// <paramref name="statusCode"/> with no body, like a 409 "request with this key in progress" or a lost answer.
    /// </summary>
    public void ProcessButAnswerNextCharges(int count, int statusCode)
    {
        lock (Gate)
        {
            _processButFailRemaining = count;
            _processButFailStatus = statusCode;
        }
    }

    /// <summary>How often the card was charged (approved) under <paramref name="key"/>: 0 or 1, however often it was sent.</summary>
    public int ApprovedChargesUnder(string key) =>
        _charges.TryGetValue(key, out var charge) && charge.IsValueCreated && charge.Value.Approved ? 1 : 0;

    /// <summary>A snapshot of every refund call so far, in arrival order.</summary>
    public IReadOnlyList<FakeRefundCall> RefundCalls => Snapshot(_refundCalls);

    /// <summary>Refunds actually approved, each idempotency key counted once however often it was sent.</summary>
    public int DistinctRefundsApproved => _refunds.Values.Count(r => r.IsValueCreated && r.Value.Approved);

    /// <summary>Charges actually approved, each idempotency key counted once however often it was sent.</summary>
    public int DistinctChargesApproved => _charges.Values.Count(c => c.IsValueCreated && c.Value.Approved);

    public static Task<FakeCardGatewayServer> StartAsync()
    {
        var fake = new FakeCardGatewayServer();
        return StartAsync(fake, app =>
        {
            app.MapPost("/charges", fake.HandleChargeAsync);
            app.MapGet("/charges/{key}", fake.HandleLookupAsync);
            app.MapPost("/refunds", fake.HandleRefundAsync);
        });
    }

    private async Task HandleChargeAsync(HttpContext context)
    {
        var body = await ReadBodyAsync<ChargeRequest>(context);
        var key = IdempotencyKeyOf(context);
        var (status, delay) = PlanCall(body is null ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK,
            planned => _calls.Add(new FakeChargeCall(body?.CardToken, body?.Amount, body?.Currency, body?.Description, key, Elapsed, planned)));

        int? answerStatus = null;
        lock (Gate)
        {
            if (status == StatusCodes.Status200OK && _processButFailRemaining > 0)
            {
                _processButFailRemaining--;
                answerStatus = _processButFailStatus;
            }
        }

        if (!await AnswerAfterDelayAsync(context, status, delay))
            return;
        var declineCode = DeclineCode;
        var answer = _charges.GetOrAdd(key ?? $"no-key:{Guid.NewGuid():N}",
            _ => new Lazy<ChargeAnswer>(() => Decide(body!, declineCode), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        if (answerStatus is { } failed)
        {
            context.Response.StatusCode = failed;
            return;
        }
        await context.Response.WriteAsJsonAsync(answer, Json, context.RequestAborted);
    }

    private async Task HandleLookupAsync(HttpContext context, string key)
    {
        var (status, delay) = PlanCall(StatusCodes.Status200OK, planned => _lookupCalls.Add(new FakeLookupCall(key, planned)));
        if (!await AnswerAfterDelayAsync(context, status, delay))
            return;
        if (!_charges.TryGetValue(key, out var charge) || !charge.IsValueCreated)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var answer = charge.Value;
        await context.Response.WriteAsJsonAsync(answer with { Amount = answer.Amount + LookupAmountOffset }, Json, context.RequestAborted);
    }

    private async Task HandleRefundAsync(HttpContext context)
    {
        var body = await ReadBodyAsync<RefundRequest>(context);
        var key = IdempotencyKeyOf(context);
        var (status, delay) = PlanCall(
            string.IsNullOrEmpty(body?.GatewayReference) ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK,
            planned => _refundCalls.Add(new FakeRefundCall(body?.GatewayReference, body?.Amount, body?.Currency, key, planned)));

        if (!await AnswerAfterDelayAsync(context, status, delay))
            return;
        var answer = _refunds.GetOrAdd(key ?? $"no-key:{Guid.NewGuid():N}",
            _ => new Lazy<ChargeAnswer>(() => new ChargeAnswer(true, $"fake_rf_{Guid.NewGuid():N}", null, body!.Amount, body.Currency),
                LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        await context.Response.WriteAsJsonAsync(answer, Json, context.RequestAborted);
    }

    /// <summary>Waits out the delay; true when the call should now be processed and answered 200.</summary>
    private async Task<bool> AnswerAfterDelayAsync(HttpContext context, int status, TimeSpan delay)
    {
        if (!await WaitAsync(context, delay))
            return false;
        if (status != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = status;
            return false;
        }
        return true;
    }

    private static ChargeAnswer Decide(ChargeRequest request, string declineCode) =>
        request.CardToken == "tok_visa"
            ? new ChargeAnswer(true, $"fake_{Guid.NewGuid():N}", null, request.Amount, request.Currency)
            : new ChargeAnswer(false, null, declineCode, request.Amount, request.Currency);

    private sealed record ChargeRequest(string? CardToken, decimal? Amount, string? Currency, string? Description);

    private sealed record RefundRequest(string? GatewayReference, decimal? Amount, string? Currency);

    /// <summary>The answer to a charge, a lookup (which adds what was charged) and a refund alike.</summary>
    private sealed record ChargeAnswer(bool Approved, string? Reference, string? DeclineCode, decimal? Amount, string? Currency);
}

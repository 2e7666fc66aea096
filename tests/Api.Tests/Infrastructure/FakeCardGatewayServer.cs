using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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

/// <summary>One <c>POST /refunds</c> the fake received, as it arrived.</summary>
public sealed record FakeRefundCall(string? GatewayReference, decimal? Amount, string? Currency, string? IdempotencyKey, int PlannedStatusCode);

/// <summary>
/// A card processor on a real loopback port speaking the contract of <c>HttpCardGateway</c>:
/// <c>POST /charges</c> with <c>{cardToken, amount, currency, description}</c> and an <c>Idempotency-Key</c>
/// header; 200 <c>{approved, reference, declineCode}</c>. <c>tok_visa</c> is approved, <c>tok_declined</c>
/// (and any other token) is declined with <c>card_declined</c>. A repeated idempotency key gets the first
/// answer and is charged once. <c>POST /refunds</c> with <c>{gatewayReference, amount, currency}</c> approves every
/// well-formed refund, once per idempotency key. Every call is recorded; the next calls (charges or refunds) can be
/// made to fail or be slow.
/// </summary>
public sealed class FakeCardGatewayServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly List<FakeChargeCall> _calls = [];
    private readonly ConcurrentDictionary<string, Lazy<ChargeAnswer>> _charges = new(StringComparer.Ordinal);
    private readonly List<FakeRefundCall> _refundCalls = [];
    private readonly ConcurrentDictionary<string, Lazy<ChargeAnswer>> _refunds = new(StringComparer.Ordinal);
    private int _failRemaining;
    private int _failStatusCode;
    private int _delayRemaining;
    private TimeSpan _delay;

    private FakeCardGatewayServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The root the gateway is reached at, e.g. <c>http://127.0.0.1:54321</c>.</summary>
    public string BaseUrl { get; private set; }

    /// <summary>A snapshot of every call so far, in arrival order.</summary>
    public IReadOnlyList<FakeChargeCall> Calls
    {
        get
        {
            lock (_gate)
                return _calls.ToArray();
        }
    }

    public int CallCount
    {
        get
        {
            lock (_gate)
                return _calls.Count;
        }
    }

    /// <summary>A snapshot of every refund call so far, in arrival order.</summary>
    public IReadOnlyList<FakeRefundCall> RefundCalls
    {
        get
        {
            lock (_gate)
                return _refundCalls.ToArray();
        }
    }

    /// <summary>Refunds actually approved, each idempotency key counted once however often it was sent.</summary>
    public int DistinctRefundsApproved => _refunds.Values.Count(r => r.IsValueCreated && r.Value.Approved);

    /// <summary>Charges actually approved, each idempotency key counted once however often it was sent.</summary>
    public int DistinctChargesApproved => _charges.Values.Count(c => c.IsValueCreated && c.Value.Approved);

    public static async Task<FakeCardGatewayServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "FakeCardGateway",
        });
        // Nothing from the API's appsettings or the environment (Kestrel endpoints, URLs) may leak in.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();

        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var fake = new FakeCardGatewayServer(app, string.Empty);
        app.MapPost("/charges", fake.HandleChargeAsync);
        app.MapPost("/refunds", fake.HandleRefundAsync);

        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
                        ?? throw new InvalidOperationException("The fake card gateway exposes no server addresses.");
        fake.BaseUrl = addresses.Single().TrimEnd('/');
        return fake;
    }

    /// <summary>The next <paramref name="count"/> calls answer <paramref name="statusCode"/> and charge nothing.</summary>
    public void FailNextCalls(int count, int statusCode)
    {
        lock (_gate)
        {
            _failRemaining = count;
            _failStatusCode = statusCode;
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> calls wait <paramref name="delay"/> before being processed; a caller
    /// that gives up first (aborts the request) is not charged.
    /// </summary>
    public void DelayNextCalls(int count, TimeSpan delay)
    {
        lock (_gate)
        {
            _delayRemaining = count;
            _delay = delay;
        }
    }

    private async Task HandleChargeAsync(HttpContext context)
    {
        var body = await ReadBodyAsync<ChargeRequest>(context);
        var key = IdempotencyKeyOf(context);
        var (status, delay) = PlanCall(body is null ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK,
            planned => _calls.Add(new FakeChargeCall(body?.CardToken, body?.Amount, body?.Currency, body?.Description, key, _clock.Elapsed, planned)));

        if (!await AnswerAfterDelayAsync(context, status, delay))
            return;
        var answer = _charges.GetOrAdd(key ?? $"no-key:{Guid.NewGuid():N}",
            _ => new Lazy<ChargeAnswer>(() => Decide(body!.CardToken), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        await context.Response.WriteAsJsonAsync(answer, Json, context.RequestAborted);
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
            _ => new Lazy<ChargeAnswer>(() => new ChargeAnswer(true, $"fake_rf_{Guid.NewGuid():N}", null),
                LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        await context.Response.WriteAsJsonAsync(answer, Json, context.RequestAborted);
    }

    private static async Task<T?> ReadBodyAsync<T>(HttpContext context) where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Json, context.RequestAborted);
        }
        catch (JsonException)
        {
            // Recorded with empty fields and answered 400.
            return null;
        }
    }

    private static string? IdempotencyKeyOf(HttpContext context)
    {
        var idempotencyKey = context.Request.Headers["Idempotency-Key"].ToString();
        return string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey;
    }

    /// <summary>Applies any injected failure or delay to this call and records it (under the lock) with its planned status.</summary>
    private (int Status, TimeSpan Delay) PlanCall(int status, Action<int> record)
    {
        lock (_gate)
        {
            if (_failRemaining > 0)
            {
                _failRemaining--;
                status = _failStatusCode;
            }

            var delay = TimeSpan.Zero;
            if (_delayRemaining > 0)
            {
                _delayRemaining--;
                delay = _delay;
            }

            record(status);
            return (status, delay);
        }
    }

    /// <summary>Waits out the delay; true when the call should now be processed and answered 200.</summary>
    private async Task<bool> AnswerAfterDelayAsync(HttpContext context, int status, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _shutdown.Token);
            try
            {
                await Task.Delay(delay, linked.Token);
            }
            catch (OperationCanceledException)
            {
                // The caller gave up (or the fake is shutting down): nothing is charged or answered.
                return false;
            }
        }

        if (status != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = status;
            return false;
        }
        return true;
    }

    private static ChargeAnswer Decide(string? cardToken) =>
        cardToken == "tok_visa"
            ? new ChargeAnswer(true, $"fake_{Guid.NewGuid():N}", null)
            : new ChargeAnswer(false, null, "card_declined");

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _shutdown.Dispose();
    }

    private sealed record ChargeRequest(string? CardToken, decimal? Amount, string? Currency, string? Description);

    private sealed record RefundRequest(string? GatewayReference, decimal? Amount, string? Currency);

    private sealed record ChargeAnswer(bool Approved, string? Reference, string? DeclineCode);
}

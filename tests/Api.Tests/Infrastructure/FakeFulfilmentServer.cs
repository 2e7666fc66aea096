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

/// <summary>One <c>POST /fulfilments</c> the fake received, as it arrived.</summary>
public sealed record FakeFulfilmentCall(
    Guid? OrderId,
    Guid? CustomerId,
    decimal? Amount,
    string? Currency,
    string? Description,
    int ItemCount,
    string? IdempotencyKey,
    TimeSpan ReceivedAt,
    int PlannedStatusCode);

/// <summary>
/// A fulfilment service on a real loopback port speaking the contract of <c>HttpFulfilmentService</c>:
/// <c>POST /fulfilments</c> with <c>{orderId, customerId, amount, currency, description, items}</c> and an
/// <c>Idempotency-Key</c> header; 200 <c>{fulfilmentId}</c>. A repeated idempotency key gets the first fulfilment id
/// and is fulfilled once. Every call is recorded with its arrival time; the next calls can be made to fail with a
/// status, to be refused with 422 <c>{reason}</c>, or to be slow (a caller that gives up first is not fulfilled).
/// </summary>
public sealed class FakeFulfilmentServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly List<FakeFulfilmentCall> _calls = [];
    private readonly ConcurrentDictionary<string, Lazy<string>> _fulfilments = new(StringComparer.Ordinal);
    private int _failRemaining;
    private int _failStatusCode;
    private int _rejectRemaining;
    private string _rejectReason = string.Empty;
    private int _delayRemaining;
    private TimeSpan _delay;

    private FakeFulfilmentServer(WebApplication app)
    {
        _app = app;
        BaseUrl = string.Empty;
    }

    /// <summary>The root the service is reached at, e.g. <c>http://127.0.0.1:54321</c>.</summary>
    public string BaseUrl { get; private set; }

    /// <summary>A snapshot of every call so far, in arrival order.</summary>
    public IReadOnlyList<FakeFulfilmentCall> Calls
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

    /// <summary>Orders actually fulfilled, each idempotency key counted once however often it was sent.</summary>
    public int DistinctFulfilments => _fulfilments.Values.Count(f => f.IsValueCreated);

    /// <summary>The fulfilment id the fake gave the order sent under <paramref name="idempotencyKey"/>, if it fulfilled it.</summary>
    public string? FulfilmentIdFor(string idempotencyKey) =>
        _fulfilments.TryGetValue(idempotencyKey, out var id) && id.IsValueCreated ? id.Value : null;

    public static async Task<FakeFulfilmentServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "FakeFulfilment",
        });
        // Nothing from the API's appsettings or the environment (Kestrel endpoints, URLs) may leak in.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();

        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var fake = new FakeFulfilmentServer(app);
        app.MapPost("/fulfilments", fake.HandleAsync);

        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
                        ?? throw new InvalidOperationException("The fake fulfilment service exposes no server addresses.");
        fake.BaseUrl = addresses.Single().TrimEnd('/');
        return fake;
    }

    /// <summary>The next <paramref name="count"/> calls answer <paramref name="statusCode"/> and fulfil nothing.</summary>
    public void FailNextCalls(int count, int statusCode)
    {
        lock (_gate)
        {
            _failRemaining = count;
            _failStatusCode = statusCode;
        }
    }

    /// <summary>The next <paramref name="count"/> calls are refused: 422 <c>{reason}</c>, nothing fulfilled.</summary>
    public void RejectNextCalls(int count, string reason)
    {
        lock (_gate)
        {
            _rejectRemaining = count;
            _rejectReason = reason;
        }
    }

    /// <summary>The next <paramref name="count"/> calls wait <paramref name="delay"/> before being processed.</summary>
    public void DelayNextCalls(int count, TimeSpan delay)
    {
        lock (_gate)
        {
            _delayRemaining = count;
            _delay = delay;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        FulfilmentRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<FulfilmentRequest>(context.Request.Body, Json, context.RequestAborted);
        }
        catch (JsonException)
        {
            body = null;
        }
        var key = context.Request.Headers["Idempotency-Key"].ToString();

        int status;
        TimeSpan delay;
        string? rejectReason = null;
        lock (_gate)
        {
            status = body is null || string.IsNullOrEmpty(key) ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
            if (_failRemaining > 0)
            {
                _failRemaining--;
                status = _failStatusCode;
            }
            else if (_rejectRemaining > 0)
            {
                _rejectRemaining--;
                status = StatusCodes.Status422UnprocessableEntity;
                rejectReason = _rejectReason;
            }

            delay = TimeSpan.Zero;
            if (_delayRemaining > 0)
            {
                _delayRemaining--;
                delay = _delay;
            }

            _calls.Add(new FakeFulfilmentCall(body?.OrderId, body?.CustomerId, body?.Amount, body?.Currency, body?.Description,
                body?.Items?.Count ?? 0, string.IsNullOrEmpty(key) ? null : key, _clock.Elapsed, status));
        }

        if (delay > TimeSpan.Zero)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _shutdown.Token);
            try
            {
                await Task.Delay(delay, linked.Token);
            }
            catch (OperationCanceledException)
            {
                // The caller gave up (or the fake is shutting down): nothing is fulfilled or answered.
                return;
            }
        }

        if (rejectReason is not null)
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new { reason = rejectReason }, Json, context.RequestAborted);
            return;
        }
        if (status != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = status;
            return;
        }

        var fulfilmentId = _fulfilments.GetOrAdd(key,
            _ => new Lazy<string>(() => $"ful_{Guid.NewGuid():N}", LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        await context.Response.WriteAsJsonAsync(new { fulfilmentId }, Json, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _shutdown.Dispose();
    }

    private sealed record FulfilmentRequest(Guid? OrderId, Guid? CustomerId, decimal? Amount, string? Currency, string? Description,
        List<JsonElement>? Items);
}

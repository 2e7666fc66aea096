using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

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
public sealed class FakeFulfilmentServer : ScriptableFakeServer
{
    private readonly List<FakeFulfilmentCall> _calls = [];
    private readonly ConcurrentDictionary<string, Lazy<string>> _fulfilments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private int _maxConcurrentPerKey;
    private int _noIdRemaining;
    private int _rejectRemaining;
    private string _rejectReason = string.Empty;

    private FakeFulfilmentServer()
    {
    }

    /// <summary>Run when a call arrives, before it is answered (e.g. to arm a fault for what the caller does next).</summary>
    public Action<FakeFulfilmentCall>? OnCall { get; set; }

    /// <summary>The most calls that were being handled at the same time for one idempotency key.</summary>
    public int MaxConcurrentCallsPerKey => Volatile.Read(ref _maxConcurrentPerKey);

    /// <summary>The next <paramref name="count"/> calls answer 200 without a fulfilment id (and fulfil nothing).</summary>
    public void AnswerWithoutIdNextCalls(int count)
    {
        lock (Gate)
            _noIdRemaining = count;
    }

    /// <summary>A snapshot of every call so far, in arrival order.</summary>
    public IReadOnlyList<FakeFulfilmentCall> Calls => Snapshot(_calls);

    public int CallCount => Calls.Count;

    /// <summary>Orders actually fulfilled, each idempotency key counted once however often it was sent.</summary>
    public int DistinctFulfilments => _fulfilments.Values.Count(f => f.IsValueCreated);

    /// <summary>The fulfilment id the fake gave the order sent under <paramref name="idempotencyKey"/>, if it fulfilled it.</summary>
    public string? FulfilmentIdFor(string idempotencyKey) =>
        _fulfilments.TryGetValue(idempotencyKey, out var id) && id.IsValueCreated ? id.Value : null;

    public static Task<FakeFulfilmentServer> StartAsync()
    {
        var fake = new FakeFulfilmentServer();
        return StartAsync(fake, app => app.MapPost("/fulfilments", fake.HandleAsync));
    }

    /// <summary>The next <paramref name="count"/> calls are refused: 422 <c>{reason}</c>, nothing fulfilled.</summary>
    public void RejectNextCalls(int count, string reason)
    {
        lock (Gate)
        {
            _rejectRemaining = count;
            _rejectReason = reason;
        }
    }

    protected override int PlanStatus(int status)
    {
        if (_rejectRemaining <= 0)
            return status;
        _rejectRemaining--;
        return StatusCodes.Status422UnprocessableEntity;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await ReadBodyAsync<FulfilmentRequest>(context);
        var key = IdempotencyKeyOf(context);
        string? rejectReason = null;
        var noId = false;
        FakeFulfilmentCall? call = null;
        var (status, delay) = PlanCall(body is null || key is null ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK, planned =>
        {
            if (planned == StatusCodes.Status422UnprocessableEntity)
                rejectReason = _rejectReason;
            if (planned == StatusCodes.Status200OK && _noIdRemaining > 0)
            {
                _noIdRemaining--;
                noId = true;
            }
            call = new FakeFulfilmentCall(body?.OrderId, body?.CustomerId, body?.Amount, body?.Currency, body?.Description,
                body?.Items?.Count ?? 0, key, Elapsed, planned);
            _calls.Add(call);
        });
        OnCall?.Invoke(call!);

        var flightKey = key ?? string.Empty;
        var concurrent = _inFlight.AddOrUpdate(flightKey, 1, (_, n) => n + 1);
        InterlockedMax(ref _maxConcurrentPerKey, concurrent);
        try
        {
            if (!await WaitAsync(context, delay))
                return;
        }
        finally
        {
            _inFlight.AddOrUpdate(flightKey, 0, (_, n) => n - 1);
        }
        if (noId)
        {
            await context.Response.WriteAsJsonAsync(new { accepted = true }, Json, context.RequestAborted);
            return;
        }
        if (status != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = status;
            if (rejectReason is not null)
                await context.Response.WriteAsJsonAsync(new { reason = rejectReason }, Json, context.RequestAborted);
            return;
        }

        var fulfilmentId = _fulfilments.GetOrAdd(key!,
            _ => new Lazy<string>(() => $"ful_{Guid.NewGuid():N}", LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        await context.Response.WriteAsJsonAsync(new { fulfilmentId }, Json, context.RequestAborted);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private sealed record FulfilmentRequest(Guid? OrderId, Guid? CustomerId, decimal? Amount, string? Currency, string? Description,
        List<JsonElement>? Items);
}

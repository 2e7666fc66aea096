using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>
/// What every fake outside service shares: a real Kestrel server on a loopback port, and a script of the next calls'
/// failures and delays that a test sets up. Subclasses map their routes and record their own calls.
/// </summary>
public abstract class ScriptableFakeServer : IAsyncDisposable
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly CancellationTokenSource _shutdown = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private WebApplication? _app;
    private int _failRemaining;
    private int _failStatusCode;
    private int _delayRemaining;
    private TimeSpan _delay;

    /// <summary>Guards the script and the subclasses' call lists.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>Time since the fake started, to stamp calls with.</summary>
    protected TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The root the fake is reached at, e.g. <c>http://127.0.0.1:54321</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The next <paramref name="count"/> calls answer <paramref name="statusCode"/> and do nothing.</summary>
    public void FailNextCalls(int count, int statusCode)
    {
        lock (Gate)
        {
            _failRemaining = count;
            _failStatusCode = statusCode;
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> calls wait <paramref name="delay"/> before being processed; a caller that
    /// gives up first (aborts the request) gets nothing done.
    /// </summary>
    public void DelayNextCalls(int count, TimeSpan delay)
    {
        lock (Gate)
        {
            _delayRemaining = count;
            _delay = delay;
        }
    }

    protected static async Task<TFake> StartAsync<TFake>(TFake fake, Action<WebApplication> mapRoutes) where TFake : ScriptableFakeServer
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = typeof(TFake).Name,
        });
        // Nothing from the API's appsettings or the environment (Kestrel endpoints, URLs) may leak in.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();

        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        mapRoutes(app);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
                        ?? throw new InvalidOperationException($"{typeof(TFake).Name} exposes no server addresses.");
        fake._app = app;
        fake.BaseUrl = addresses.Single().TrimEnd('/');
        return fake;
    }

    /// <summary>
    /// Applies the script to this call and records it (under the lock) with its planned status. A subclass may add
    /// its own scripted outcomes through <see cref="PlanStatus"/>.
    /// </summary>
    protected (int Status, TimeSpan Delay) PlanCall(int status, Action<int> record)
    {
        lock (Gate)
        {
            if (_failRemaining > 0)
            {
                _failRemaining--;
                status = _failStatusCode;
            }
            else
            {
                status = PlanStatus(status);
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

    /// <summary>Called under the lock when no scripted failure applies; returns the status to answer.</summary>
    protected virtual int PlanStatus(int status) => status;

    /// <summary>Waits out the delay; false when the caller gave up (or the fake is stopping) and nothing may be done.</summary>
    protected async Task<bool> WaitAsync(HttpContext context, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
            return true;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _shutdown.Token);
        try
        {
            await Task.Delay(delay, linked.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    protected static async Task<T?> ReadBodyAsync<T>(HttpContext context) where T : class
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

    protected static string? IdempotencyKeyOf(HttpContext context)
    {
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        return string.IsNullOrEmpty(key) ? null : key;
    }

    protected T[] Snapshot<T>(List<T> calls)
    {
        lock (Gate)
            return calls.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        if (_app is not null)
        {
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
                await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }
        _shutdown.Dispose();
        GC.SuppressFinalize(this);
    }
}

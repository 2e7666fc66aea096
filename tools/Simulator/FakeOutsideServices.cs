using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Simulator;

/// <summary>
/// The outside services the application calls, as fakes on a real loopback port (a minimal Kestrel app), speaking the
/// contracts of <c>HttpCardGateway</c> and <c>HttpFulfilmentService</c>. Their answers follow from what the simulation
/// sends, which its seed decides, so they are deterministic:
/// <list type="bullet">
/// <item>card processor — <c>POST /charges</c> approves <see cref="ApprovedCard"/> and declines any other token
/// (<c>card_declined</c>), once per <c>Idempotency-Key</c>; <c>GET /charges/{key}</c> answers the charge made under that key
/// (404 when none); <c>POST /refunds</c> approves every well-formed refund once per key;</item>
/// <item>fulfilment — <c>POST /fulfilments</c> fulfils (<c>{fulfilmentId}</c>) unless the order's description carries
/// <see cref="OutOfStockMarker"/>, which it refuses with 422 and a reason; a repeated key gets the first answer.</item>
/// </list>
/// References are numbered in arrival order (the simulation sends one request at a time).
/// </summary>
public sealed class FakeOutsideServices : IAsyncDisposable
{
    public const string ApprovedCard = "tok_visa";
    public const string DeclinedCard = "tok_declined";
    public const string OutOfStockMarker = "[out of stock]";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ChargeAnswer> _charges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChargeAnswer> _refunds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FulfilmentAnswer> _fulfilments = new(StringComparer.Ordinal);
    private long _references;

    private FakeOutsideServices(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = string.Empty;

    public string CardGatewayUrl => BaseUrl + "/card";

    public string FulfilmentUrl => BaseUrl + "/fulfilment";

    public static async Task<FakeOutsideServices> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeOutsideServices(app);
        app.MapPost("/card/charges", (Delegate)fake.ChargeAsync);
        app.MapGet("/card/charges/{key}", (Delegate)fake.LookUp);
        app.MapPost("/card/refunds", (Delegate)fake.RefundAsync);
        app.MapPost("/fulfilment/fulfilments", (Delegate)fake.FulfilAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = address.TrimEnd('/');
        return fake;
    }

    private string NextReference(string prefix) => $"{prefix}_{Interlocked.Increment(ref _references):D8}";

    private async Task<IResult> ChargeAsync(HttpContext context)
    {
        var body = await context.Request.ReadFromJsonAsync<ChargeRequest>(Json);
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (body is null || string.IsNullOrEmpty(key))
            return Results.BadRequest();
        var answer = _charges.GetOrAdd(key, _ => body.CardToken == ApprovedCard
            ? new ChargeAnswer(true, NextReference("sim_ch"), null, body.Amount, body.Currency)
            : new ChargeAnswer(false, null, "card_declined", body.Amount, body.Currency));
        return Results.Json(answer, Json);
    }

    private IResult LookUp(string key) =>
        _charges.TryGetValue(key, out var answer) ? Results.Json(answer, Json) : Results.NotFound();

    private async Task<IResult> RefundAsync(HttpContext context)
    {
        var body = await context.Request.ReadFromJsonAsync<RefundRequest>(Json);
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (string.IsNullOrEmpty(body?.GatewayReference) || string.IsNullOrEmpty(key))
            return Results.BadRequest();
        var answer = _refunds.GetOrAdd(key, _ => new ChargeAnswer(true, NextReference("sim_rf"), null, body.Amount, body.Currency));
        return Results.Json(answer, Json);
    }

    private async Task<IResult> FulfilAsync(HttpContext context)
    {
        var body = await context.Request.ReadFromJsonAsync<FulfilmentRequest>(Json);
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (body is null || string.IsNullOrEmpty(key))
            return Results.BadRequest();
        var answer = _fulfilments.GetOrAdd(key, _ => body.Description?.Contains(OutOfStockMarker, StringComparison.Ordinal) == true
            ? new FulfilmentAnswer(null, "Out of stock at the supplier.")
            : new FulfilmentAnswer(NextReference("sim_ff"), null));
        return answer.FulfilmentId is null
            ? Results.Json(new { reason = answer.Reason }, Json, statusCode: StatusCodes.Status422UnprocessableEntity)
            : Results.Json(new { fulfilmentId = answer.FulfilmentId }, Json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record ChargeRequest(string? CardToken, decimal? Amount, string? Currency, string? Description);

    private sealed record RefundRequest(string? GatewayReference, decimal? Amount, string? Currency);

    private sealed record FulfilmentRequest(Guid? OrderId, Guid? CustomerId, decimal? Amount, string? Currency, string? Description,
        JsonElement? Items);

    private sealed record ChargeAnswer(bool Approved, string? Reference, string? DeclineCode, decimal? Amount, string? Currency);

    private sealed record FulfilmentAnswer(string? FulfilmentId, string? Reason);
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CleanWallet.LoadTest;

/// <summary>Outcome of one HTTP call: a status code, or the exception that left it without a response.</summary>
internal readonly record struct CallOutcome(int Status, string? ErrorCode, string? Body, string? Exception, TimeSpan? RetryAfter)
{
    public bool IsSuccess => Status is >= 200 and < 300;
    public bool HasResponse => Exception is null;

    public string Describe() => Exception is not null
        ? $"no response ({Exception})"
        : $"HTTP {Status}{(ErrorCode is null ? "" : $" {ErrorCode}")}{(string.IsNullOrEmpty(Body) ? "" : $": {Truncate(Body, 300)}")}";

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "...";
}

/// <summary>Outcome of one measured payment: latency in Stopwatch ticks (0 when there was no response).</summary>
internal readonly record struct PaymentOutcome(int Status, string? ErrorCode, string? Exception, long ElapsedTicks);

/// <summary>
/// Thin client over one shared <see cref="HttpClient"/> (SocketsHttpHandler, MaxConnectionsPerServer = concurrency).
/// The API key travels per request, so one client serves every wallet.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly byte[] _paymentBody;

    public ApiClient(LoadOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            // Never leave loopback: no redirects, no proxy.
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = options.BaseUrl,
            Timeout = options.RequestTimeout,
        };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("CleanWallet.LoadTest", "1.0"));

        // Every payment carries the same body; serialise it once so the client spends its time on HTTP.
        _paymentBody = JsonSerializer.SerializeToUtf8Bytes(
            new PaymentRequest(options.Amount, "bench"), LoadTestJson.Default.PaymentRequest);
    }

    public void Dispose() => _http.Dispose();

    public async Task<(CallOutcome Outcome, CustomerCreatedResponse? Customer)> CreateCustomerAsync(
        string adminKey, string name, CancellationToken ct)
    {
        using var request = NewRequest(HttpMethod.Post, "api/v1/customers", adminKey);
        request.Content = JsonBody(new CreateCustomerRequest(name, "Payg"), LoadTestJson.Default.CreateCustomerRequest);
        return await SendForJsonAsync(request, LoadTestJson.Default.CustomerCreatedResponse, ct).ConfigureAwait(false);
    }

    public async Task<CallOutcome> TopUpAsync(Guid walletId, decimal amount, string key, Guid idempotencyKey, CancellationToken ct)
    {
        using var request = NewRequest(HttpMethod.Post, $"api/v1/wallets/{walletId}/top-ups", key);
        request.Headers.Add("Idempotency-Key", idempotencyKey.ToString());
        request.Content = JsonBody(new TopUpRequest(amount, "tok_visa"), LoadTestJson.Default.TopUpRequest);
        var (outcome, _) = await SendForJsonAsync<object>(request, null, ct).ConfigureAwait(false);
        return outcome;
    }

    public Task<(CallOutcome Outcome, WalletResponse? Wallet)> GetWalletAsync(Guid walletId, string key, CancellationToken ct)
    {
        var request = NewRequest(HttpMethod.Get, $"api/v1/wallets/{walletId}", key);
        return SendAndDisposeAsync(request, LoadTestJson.Default.WalletResponse, ct);
    }

    /// <summary>
    /// One payment, timed from just before SendAsync to the last byte of the response body.
    /// Never throws except on cancellation of <paramref name="ct"/>; failures come back as outcomes.
    /// </summary>
    public async Task<PaymentOutcome> PayAsync(Guid walletId, string key, CancellationToken ct)
    {
        using var request = NewRequest(HttpMethod.Post, $"api/v1/wallets/{walletId}/payments", key);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var content = new ByteArrayContent(_paymentBody);
        content.Headers.ContentType = JsonContentType;
        request.Content = content;

        long start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            string? code = null;
            if (status is >= 200 and < 300)
            {
                await response.Content.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
            }
            else
            {
                string body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                code = ProblemCode(body);
            }
            return new PaymentOutcome(status, code, null, Stopwatch.GetTimestamp() - start);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException ||
                                   (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            // TaskCanceledException without our token cancelled = HttpClient.Timeout.
            return new PaymentOutcome(0, null, ex is TaskCanceledException ? "Timeout" : ex.GetType().Name, 0);
        }
    }

    private static HttpRequestMessage NewRequest(HttpMethod method, string relativePath, string key)
    {
        var request = new HttpRequestMessage(method, relativePath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private static ByteArrayContent JsonBody<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = JsonContentType;
        return content;
    }

    private async Task<(CallOutcome, T?)> SendAndDisposeAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> typeInfo, CancellationToken ct)
        where T : class
    {
        using (request)
            return await SendForJsonAsync(request, typeInfo, ct).ConfigureAwait(false);
    }

    private async Task<(CallOutcome, T?)> SendForJsonAsync<T>(HttpRequestMessage request, JsonTypeInfo<T>? typeInfo, CancellationToken ct)
        where T : class
    {
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            string body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            TimeSpan? retryAfter = response.Headers.RetryAfter?.Delta;

            if (status is < 200 or >= 300)
                return (new CallOutcome(status, ProblemCode(body), body, null, retryAfter), null);
            if (typeInfo is null)
                return (new CallOutcome(status, null, null, null, null), null);

            try
            {
                T? value = JsonSerializer.Deserialize(body, typeInfo);
                return value is null
                    ? (new CallOutcome(status, "unreadable_body", body, null, null), null)
                    : (new CallOutcome(status, null, null, null, null), value);
            }
            catch (JsonException ex)
            {
                return (new CallOutcome(status, "unreadable_body", $"{ex.Message} Body: {body}", null, null), null);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException ||
                                   (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            string what = ex is TaskCanceledException ? "Timeout" : $"{ex.GetType().Name}: {ex.Message}";
            return (new CallOutcome(0, null, null, what, null), null);
        }
    }

    /// <summary>The machine-readable error code of a problem+json body ("code" or "errorCode"), if any.</summary>
    private static string? ProblemCode(string body)
    {
        if (string.IsNullOrWhiteSpace(body) || body[0] != '{')
            return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if ((property.NameEquals("code") || property.NameEquals("errorCode")) &&
                    property.Value.ValueKind == JsonValueKind.String)
                    return property.Value.GetString();
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>
/// What one request costs the database, counted from Npgsql's own tracing: one activity per command sent (a batch being
/// one command; COMMIT is not a command), for exactly the request under test — it carries a traceparent of its own and
/// only Npgsql activities of that trace are counted.
/// </summary>
public static class DatabaseCommandTrace
{
    /// <summary>Sends the request with a trace of its own; its response (body read) and the text of every command sent for it, in order.</summary>
    public static async Task<(HttpResponseMessage Response, string[] Commands)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        var traceId = ActivityTraceId.CreateRandom();
        var commands = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name != "Npgsql" || activity.TraceId != traceId)
                    return;
                var text = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string
                           ?? activity.DisplayName;
                // Authentication's cost, not the request's: the API-key cache answers only while its revocation listener
                // has confirmed hearing within ApiKeyCache:MaxStalenessSeconds, so a stalled test machine can make
                // any request look its key up once (ApiKeyCacheTests cover the cache).
                if (!text.Contains("FROM api_keys", StringComparison.Ordinal))
                    commands.Enqueue(text);
            },
        };
        ActivitySource.AddActivityListener(listener);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return (response, commands.ToArray());
    }

    /// <summary>The commands for a failure message.</summary>
    public static string Describe(string[] commands) => $"{commands.Length} commands:\n{string.Join("\n---\n", commands)}";
}

using System.Globalization;
using System.Net;
using CleanWallet.Api.Hosting;
using CleanWallet.Api.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace CleanWallet.Api.Tests.Platform;

/// <summary>
/// Serilog's request logging: every HTTP request is one Information line with method, path, status, elapsed time and
/// request id, and nothing else at Information or above carries that request id (no hand-written start/end lines, no
/// second line from the command pipeline).
/// </summary>
public sealed class RequestLoggingTests(TestDatabase database) : ApiTestBase(database)
{
    private readonly CapturingLogSink _logs = new();

    protected override ApiFactory CreateFactory() =>
        ApiFactory.StartOnKestrel(Database.ConnectionString, _logs.Register,
            new Dictionary<string, string?> { [CapturingLogSink.InformationLevel.Key] = CapturingLogSink.InformationLevel.Value });

    [Fact]
    public async Task A_request_logs_exactly_one_line_with_method_path_status_elapsed_and_request_id()
    {
        var customer = await CreateCustomerAsync();
        var path = $"/api/v1/wallets/{customer.WalletId}";

        var response = await AdminClient().GetAsync(path);

        await AssertStatus(response, HttpStatusCode.OK);
        var line = await SingleLineOfAsync(RequestIdOf(response));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal("GET", Scalar(line, "RequestMethod"));
        Assert.Equal(path, Scalar(line, "RequestPath"));
        Assert.Equal(200, Scalar(line, "StatusCode"));
        Assert.True((double)Scalar(line, "Elapsed")! > 0);
        Assert.Matches($@"^HTTP GET {path} responded 200 in \d+\.\d{{4}} ms \(request {RequestIdOf(response)}\)$", line.Message);
    }

    [Fact]
    public async Task A_refused_payment_logs_one_line_with_its_status_and_problem_code()
    {
        var customer = await CreateCustomerAsync();
        var path = $"/api/v1/wallets/{customer.WalletId}/payments";

        var response = await AdminClient().SendAsync(Post(path, new { amount = 30.00m, description = "Too much" }));

        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "insufficient_funds");
        var line = await SingleLineOfAsync(RequestIdOf(response));
        Assert.Equal("POST", Scalar(line, "RequestMethod"));
        Assert.Equal(path, Scalar(line, "RequestPath"));
        Assert.Equal(422, Scalar(line, "StatusCode"));
        Assert.Equal("insufficient_funds", Scalar(line, "ErrorCode"));
        Assert.StartsWith($"HTTP POST {path} responded 422 in ", line.Message);
    }

    private static string RequestIdOf(HttpResponseMessage response) => Assert.Single(response.Headers.GetValues("X-Request-Id"));

    private static object? Scalar(CapturingLogSink.Line line, string property) =>
        Assert.IsType<ScalarValue>(line.Event.Properties[property]).Value;

    /// <summary>
    /// The request line is written when the request completes, which may be just after the client has read the answer:
    /// waits for it, then asserts it is the only Information-or-above event of that request.
    /// </summary>
    private async Task<CapturingLogSink.Line> SingleLineOfAsync(string requestId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Of(requestId).Any(IsRequestLine) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        // A moment more, so a second line written after the first would be seen.
        await Task.Delay(100);

        var lines = Of(requestId).Where(l => l.Level >= LogLevel.Information).ToList();
        var line = Assert.Single(lines);
        Assert.True(IsRequestLine(line), $"Expected the request line, got: {line.Category}: {line.Message}");
        return line;
    }

    private IEnumerable<CapturingLogSink.Line> Of(string requestId) =>
        _logs.Lines.Where(l => l.Event.Properties.TryGetValue("RequestId", out var id)
                               && id is ScalarValue { Value: var value }
                               && Convert.ToString(value, CultureInfo.InvariantCulture) == requestId);

    private static bool IsRequestLine(CapturingLogSink.Line line) =>
        line.Event.MessageTemplate.Text == RequestLogging.MessageTemplate;
}

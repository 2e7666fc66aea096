namespace CleanWallet.Api.Hosting;

/// <summary>The one line Serilog's request logging writes for every HTTP request.</summary>
public static class RequestLogging
{
    public const string MessageTemplate =
        "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms (request {RequestId})";
}

using System.Globalization;
using System.Net;

namespace CleanWallet.LoadTest;

internal enum ScenarioSelection
{
    Many,
    Hot,
    Both,
}

/// <summary>Everything the command line can set. Built only through <see cref="OptionsParser"/>.</summary>
internal sealed record LoadOptions(
    Uri BaseUrl,
    string AdminKey,
    ScenarioSelection Scenario,
    int Wallets,
    int Requests,
    int Concurrency,
    TimeSpan DurationLimit,
    decimal Amount,
    int Warmup,
    TimeSpan RequestTimeout,
    string? JsonPath);

internal sealed record ParseResult(LoadOptions? Options, string? Error, bool ShowHelp);

internal static class OptionsParser
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const string AdminKeyEnvironmentVariable = "CW_ADMIN_KEY";

    public const string Usage = """
        CleanWallet.LoadTest - HTTP load tool for the CleanWallet payments API (loopback targets only).

        Usage: CleanWallet.LoadTest --admin-key <key> [options]

          --url <url>               API base URL (default http://127.0.0.1:5080). The host must be
                                    loopback (127.0.0.0/8, localhost, ::1); anything else exits with 2.
          --admin-key <key>         Admin API key (or env CW_ADMIN_KEY). Required.
          --scenario many|hot|both  Which scenario(s) to run (default both).
          --wallets <n>             Wallets for the "many" scenario (default 200).
          --requests <n>            Payments per scenario (default 5000).
          --concurrency <n>         Concurrent requests in flight (default 32).
          --duration-limit <s>      Stop issuing payments after this many seconds (default 120).
          --amount <x.yy>           Amount of each payment (default 1.00, at most 2 decimals).
          --warmup <n>              Unmeasured payments sent per scenario before measuring (default 0).
          --timeout <s>             Per-request timeout in seconds (default 30).
          --json <file>             Also write the figures as JSON to <file>.
          -h, --help                Show this help.

        Exit codes: 0 all scenarios ran and the money check passed; 1 a scenario failed (setup error,
        money MISMATCH, interrupted); 2 bad arguments or a non-loopback URL.
        """;

    public static ParseResult Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        string? url = DefaultUrl;
        string? adminKey = null;
        var scenario = ScenarioSelection.Both;
        int wallets = 200, requests = 5000, concurrency = 32, warmup = 0;
        double durationSeconds = 120, timeoutSeconds = 30;
        decimal amount = 1.00m;
        string? jsonPath = null;

        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help" or "-?")
                return new ParseResult(null, null, ShowHelp: true);

            string name = arg;
            string? inlineValue = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                name = arg[..eq];
                inlineValue = arg[(eq + 1)..];
            }

            string? value = inlineValue;
            if (value is null)
            {
                if (i + 1 >= args.Count)
                    return Fail($"Option '{name}' needs a value.");
                value = args[++i];
            }

            string? error = name switch
            {
                "--url" => Assign(value, out url),
                "--admin-key" => Assign(value, out adminKey),
                "--scenario" => ParseScenario(value, out scenario),
                "--wallets" => ParseInt(name, value, 1, 1_000_000, out wallets),
                "--requests" => ParseInt(name, value, 1, 100_000_000, out requests),
                "--concurrency" => ParseInt(name, value, 1, 10_000, out concurrency),
                "--warmup" => ParseInt(name, value, 0, 10_000_000, out warmup),
                "--duration-limit" => ParseSeconds(name, value, out durationSeconds),
                "--timeout" => ParseSeconds(name, value, out timeoutSeconds),
                "--amount" => ParseAmount(value, out amount),
                "--json" => Assign(value, out jsonPath),
                _ => $"Unknown option '{name}'.",
            };
            if (error is not null)
                return Fail(error);
        }

        if (string.IsNullOrWhiteSpace(adminKey))
            adminKey = environment(AdminKeyEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(adminKey))
            return Fail($"An admin key is required: pass --admin-key or set {AdminKeyEnvironmentVariable}.");

        url = string.IsNullOrWhiteSpace(url) ? DefaultUrl : url.Trim();
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? baseUrl) ||
            (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
            return Fail($"'{url}' is not an absolute http(s) URL.");

        if (string.IsNullOrWhiteSpace(jsonPath))
            jsonPath = null;

        return new ParseResult(
            new LoadOptions(NormalizeBase(baseUrl), adminKey.Trim(), scenario, wallets, requests, concurrency,
                TimeSpan.FromSeconds(durationSeconds), amount, warmup, TimeSpan.FromSeconds(timeoutSeconds), jsonPath),
            null, ShowHelp: false);
    }

    /// <summary>
    /// True when the URL's host is a loopback name or address: localhost, any 127.0.0.0/8 address
    /// (also written IPv4-mapped, ::ffff:127.x.y.z), or ::1. Nothing is resolved through DNS.
    /// </summary>
    public static bool IsLoopback(Uri url)
    {
        string host = url.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return true;

        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        if (!IPAddress.TryParse(host, out IPAddress? address))
            return false;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        // IPAddress.IsLoopback covers the whole 127.0.0.0/8 block and ::1.
        return IPAddress.IsLoopback(address);
    }

    private static Uri NormalizeBase(Uri url)
    {
        // Paths are combined relative to the base, so the base must end with '/'.
        var builder = new UriBuilder(url) { Query = string.Empty, Fragment = string.Empty };
        if (!builder.Path.EndsWith('/'))
            builder.Path += "/";
        return builder.Uri;
    }

    private static ParseResult Fail(string error) => new(null, error, ShowHelp: false);

    private static string? Assign(string value, out string? target)
    {
        target = value;
        return null;
    }

    private static string? ParseScenario(string value, out ScenarioSelection scenario)
    {
        scenario = ScenarioSelection.Both;
        switch (value.ToLowerInvariant())
        {
            case "many": scenario = ScenarioSelection.Many; return null;
            case "hot": scenario = ScenarioSelection.Hot; return null;
            case "both": scenario = ScenarioSelection.Both; return null;
            default: return $"--scenario must be many, hot or both, was '{value}'.";
        }
    }

    private static string? ParseInt(string name, string value, int min, int max, out int result)
    {
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out result) &&
            result >= min && result <= max)
            return null;
        return $"{name} must be an integer between {min} and {max}, was '{value}'.";
    }

    private static string? ParseSeconds(string name, string value, out double seconds)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) &&
            seconds > 0 && seconds <= 7 * 24 * 3600)
            return null;
        return $"{name} must be a positive number of seconds, was '{value}'.";
    }

    private static string? ParseAmount(string value, out decimal amount)
    {
        if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out amount) &&
            amount > 0m && decimal.Round(amount, 2) == amount && amount <= 1_000_000m)
            return null;
        return $"--amount must be a positive amount with at most two decimals (max 1000000.00), was '{value}'.";
    }
}

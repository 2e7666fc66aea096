using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CleanWallet.LoadTest;

internal static class Program
{
    private const int ExitOk = 0;
    private const int ExitFailed = 1;
    private const int ExitUsage = 2;

    /// <summary>Report serialisation: readable quotes and apostrophes in error messages.</summary>
    private static readonly LoadTestJson ReportJson =
        new(new JsonSerializerOptions(LoadTestJson.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static async Task<int> Main(string[] args)
    {
        ParseResult parsed = OptionsParser.Parse(args, Environment.GetEnvironmentVariable);
        if (parsed.ShowHelp)
        {
            Console.WriteLine(OptionsParser.Usage);
            return ExitOk;
        }
        if (parsed.Options is not { } options)
        {
            Console.Error.WriteLine($"error: {parsed.Error}");
            Console.Error.WriteLine("Run with --help for usage.");
            return ExitUsage;
        }
        if (!OptionsParser.IsLoopback(options.BaseUrl))
        {
            Console.Error.WriteLine(
                $"error: refusing to load-test '{options.BaseUrl}': the host '{options.BaseUrl.Host}' is not loopback " +
                "(allowed: 127.0.0.0/8, localhost, ::1).");
            return ExitUsage;
        }

        // Enough threads from the start so the first seconds are not spent growing the pool.
        ThreadPool.GetMinThreads(out int minWorkers, out int minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, options.Concurrency + 4), Math.Max(minIo, options.Concurrency + 4));

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (stop.IsCancellationRequested)
                return; // second Ctrl+C: terminate at once
            e.Cancel = true;
            Console.Error.WriteLine("Ctrl+C: no new payments; finishing the ones in flight and checking the money (Ctrl+C again to abort).");
            stop.Cancel();
        };

        DateTimeOffset startedAt = DateTimeOffset.UtcNow;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CleanWallet load test -> {options.BaseUrl} | scenario {options.Scenario.ToString().ToLowerInvariant()}, wallets {options.Wallets}, requests {options.Requests}, concurrency {options.Concurrency}, duration limit {options.DurationLimit.TotalSeconds:0.#} s, amount {options.Amount:0.00}, warmup {options.Warmup}, {Environment.ProcessorCount} CPU(s)"));

        var reports = new List<ScenarioReport>();
        using (var api = new ApiClient(options))
        {
            var runner = new ScenarioRunner(api, options);
            if (options.Scenario is ScenarioSelection.Many or ScenarioSelection.Both)
                reports.Add(await runner.RunAsync("many", options.Wallets, stop.Token).ConfigureAwait(false));
            if (options.Scenario is ScenarioSelection.Hot or ScenarioSelection.Both && !stop.IsCancellationRequested)
                reports.Add(await runner.RunAsync("hot", 1, stop.Token).ConfigureAwait(false));
        }

        bool allOk = reports.Count > 0 && reports.All(r => r.Ok) && !stop.IsCancellationRequested;
        Console.WriteLine();
        Console.WriteLine(allOk ? "RESULT: OK" : "RESULT: FAILED (see above)");

        if (options.JsonPath is { } jsonPath)
        {
            var report = new RunReport("CleanWallet.LoadTest", startedAt, DateTimeOffset.UtcNow, options.BaseUrl.ToString(),
                new RunSettings(options.Scenario.ToString().ToLowerInvariant(), options.Wallets, options.Requests,
                    options.Concurrency, options.DurationLimit.TotalSeconds, options.Amount, options.Warmup,
                    options.RequestTimeout.TotalSeconds, Environment.ProcessorCount),
                reports, allOk);
            try
            {
                string? directory = Path.GetDirectoryName(Path.GetFullPath(jsonPath));
                if (!string.IsNullOrEmpty(directory))
                    Directory.CreateDirectory(directory);
                await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, ReportJson.RunReport) + Environment.NewLine)
                    .ConfigureAwait(false);
                Console.WriteLine($"figures written to {Path.GetFullPath(jsonPath)}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: could not write {jsonPath}: {ex.Message}");
                return ExitFailed;
            }
        }

        return allOk ? ExitOk : ExitFailed;
    }
}

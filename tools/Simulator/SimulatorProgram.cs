using System.Globalization;
using CleanWallet.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace CleanWallet.Simulator;

/// <summary>
/// <c>./build.sh --target=Simulate --companies=N --months=M --seed=S</c> (defaults 100, 6, 1; also <c>--start=2026-01-01</c>,
/// default: the current UTC hour less the months, so the simulated business reaches the present and <c>Run</c> carries on
/// from there; give <c>--start</c> to reproduce a run).
/// Writes into the database <c>Run</c> uses, resolved by the API's own <see cref="DatabaseSetup"/>:
/// <c>ConnectionStrings__Wallet</c> when set, otherwise (Development) the private cluster under <c>.data/postgres</c> or
/// <c>LocalPostgres__DataDirectory</c>. The simulation wants an empty database (the same seed then gives the same ledger);
/// it refuses one that already has customers unless <c>--allow-existing</c> is given. Exit code 0 when every invariant held,
/// 1 at the first violation or unexpected exception (the report names the seed and the simulated time), 2 for bad options.
/// </summary>
public static class SimulatorProgram
{
    public static async Task<int> Main(string[] args)
    {
        SimulationOptions options;
        bool allowExisting;
        try
        {
            (options, allowExisting) = Parse(args);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"simulator: {ex.Message}");
            Console.Error.WriteLine("usage: --companies=N --months=M --seed=S [--start=yyyy-MM-dd[THH]] [--days=D] [--integrity-every-days=N] [--allow-existing]");
            return 2;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } env ? env : Environments.Development,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var (resolved, cluster) = await DatabaseSetup.ResolveAsync(builder);
        var connectionString = AsynchronousCommits(resolved);
        try
        {
            await using var host = await SimulationHost.StartAsync(builder.Configuration, connectionString, options.Start);
            var existing = await new Npgsql.NpgsqlDataSourceBuilder(connectionString).Build()
                .CreateCommand("SELECT count(*) FROM customers").ExecuteScalarAsync();
            if (Convert.ToInt64(existing, CultureInfo.InvariantCulture) > 0 && !allowExisting)
            {
                Console.Error.WriteLine($"simulator: the database already has {existing} customer(s). The simulation fills an empty database " +
                                        "(remove .data/postgres, or point ConnectionStrings__Wallet at an empty database), or pass --allow-existing.");
                return 2;
            }

            try
            {
                var result = await new Simulation(host, options, Console.Out).RunAsync();
                result.Print(Console.Out);
                Console.WriteLine();
                Console.WriteLine("The database is left as it is: ./build.sh --target=Run shows its statements, billing runs (/ops) and job history (GET /api/v1/admin/jobs/runs).");
                return 0;
            }
            catch (SimulationFailedException ex)
            {
                Console.Error.WriteLine();
                Console.Error.WriteLine(ex.Message);
                if (ex.InnerException is not null)
                    Console.Error.WriteLine(ex.InnerException);
                Console.Error.WriteLine($"Reproduce with: ./build.sh --target=Simulate --companies={options.Companies} " +
                                        (options.Days is { } days ? $"--days={days}" : $"--months={options.Months}") +
                                        $" --seed={options.Seed} --start={options.Start:yyyy-MM-dd'T'HH} on an empty database.");
                return 1;
            }
        }
        finally
        {
            if (cluster is not null)
                await cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// The simulator's own sessions commit asynchronously (<c>synchronous_commit=off</c>): each transaction is as atomic and
    /// isolated as ever and the data are the same; only a crash of the machine could lose its last few hundred milliseconds
    /// of commits. Waiting for the disk on each of the hundreds of thousands of commits would dominate the run's time. The
    /// daily integrity check over a ledger of up to a million entries gets <c>work_mem=64MB</c> (sorts in memory).
    /// </summary>
    public static string AsynchronousCommits(string connectionString)
    {
        const string Settings = "-c synchronous_commit=off -c work_mem=64MB";
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? Settings : builder.Options + " " + Settings;
        return builder.ConnectionString;
    }

    private static (SimulationOptions, bool) Parse(string[] args)
    {
        var now = DateTimeOffset.UtcNow;
        var options = new SimulationOptions();
        var allowExisting = false;
        var startGiven = false;
        foreach (var arg in args)
        {
            var (name, value) = arg.Split('=', 2) is [var n, var v] ? (n, v) : (arg, "");
            options = name switch
            {
                "--companies" => options with { Companies = Positive(name, value) },
                "--months" => options with { Months = Positive(name, value) },
                "--days" => options with { Days = Positive(name, value) },
                "--integrity-every-days" => options with { IntegrityEveryDays = Positive(name, value) },
                "--seed" => options with { Seed = int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : throw new FormatException($"{name} must be an integer.") },
                "--start" => options with
                {
                    Start = DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd", "yyyy-MM-dd'T'HH"], CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal, out var start)
                        ? new DateTimeOffset(start.UtcDateTime, TimeSpan.Zero) : throw new FormatException($"{name} must be yyyy-MM-dd or yyyy-MM-ddTHH (UTC)."),
                },
                "--allow-existing" => options,
                _ => throw new FormatException($"unknown option '{arg}'."),
            };
            allowExisting |= name == "--allow-existing";
            startGiven |= name == "--start";
        }
        if (!startGiven)
        {
            // Up to the present: the current hour less the run's length.
            var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
            options = options with { Start = options.Days is { } d ? hour.AddDays(-d) : hour.AddMonths(-options.Months) };
        }
        if (options.End > now)
            throw new FormatException($"the run would end at {options.End:yyyy-MM-dd HH:mm}Z, in the future; start it earlier.");
        return (options, allowExisting);
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"{name} must be a positive integer.");
}

using CleanWallet.Application;
using CleanWallet.Application.Common.Security;
using CleanWallet.Infrastructure;
using CleanWallet.Infrastructure.Persistence.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Simulator;

/// <summary>
/// The application as the API assembles it — <c>AddApplication</c> and <c>AddInfrastructure</c> with the API's settings,
/// so the same handlers, validators, pipeline behaviours (logging → validation → transaction → idempotency), stores, card
/// gateway and fulfilment clients, billing engine, integrity checker and job runner — with three replacements: the clock
/// is <see cref="SimulatedClock"/>, the caller is <see cref="SimulatedCaller"/> (no HTTP request), and the card processor
/// and fulfilment service are <see cref="FakeOutsideServices"/> on loopback (through the real HTTP clients). No Hangfire
/// server is started: the simulation runs each job's scheduled occurrences itself, in simulated time.
/// </summary>
public sealed class SimulationHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private SimulationHost(ServiceProvider provider, SimulatedClock clock, FakeOutsideServices fakes, ErrorLogCounter errors,
        string connectionString)
    {
        _provider = provider;
        Clock = clock;
        Fakes = fakes;
        Errors = errors;
        ConnectionString = connectionString;
    }

    public IServiceProvider Services => _provider;
    public SimulatedClock Clock { get; }
    public FakeOutsideServices Fakes { get; }
    /// <summary>Errors the application logged: a swallowed failure (e.g. a card outcome that could not be recorded) shows here.</summary>
    public ErrorLogCounter Errors { get; }
    public string ConnectionString { get; }

    public static async Task<SimulationHost> StartAsync(IConfiguration apiConfiguration, string connectionString, DateTimeOffset start,
        LogLevel consoleLevel = LogLevel.Warning)
    {
        var fakes = await FakeOutsideServices.StartAsync();
        try
        {
            var configuration = new ConfigurationBuilder()
                // The integrity job runs once a simulated day here, not hourly: with the service's default (a full check
                // when the last is a day old) every one would be full. Weekly full checks, incremental ones in between
                // (the final check is full too, see Simulation); Integrity__FullCheckEvery still overrides it.
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Integrity:FullCheckEvery"] = "7.00:00:00" })
                .AddConfiguration(apiConfiguration)
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["CardGateway:BaseUrl"] = fakes.CardGatewayUrl,
                    ["Fulfilment:BaseUrl"] = fakes.FulfilmentUrl,
                    // Simulated time: the simulation runs the jobs' occurrences itself; no Hangfire server.
                    ["Scheduling:Enabled"] = "false",
                })
                .Build();

            var clock = new SimulatedClock(start);
            var errors = new ErrorLogCounter();
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(configuration);
            services.AddLogging(logging => logging
                .SetMinimumLevel(consoleLevel < LogLevel.Error ? consoleLevel : LogLevel.Error)
                .AddSimpleConsole(console => console.SingleLine = true)
                .AddProvider(errors));
            services.AddApplication(configuration);
            services.AddInfrastructure(configuration, connectionString);
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(clock);
            services.AddScoped<SimulatedCaller>();
            services.AddScoped<ICallerContext>(provider => provider.GetRequiredService<SimulatedCaller>());

            var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
            if (configuration.GetValue("Database:MigrateOnStartup", true))
                await provider.GetRequiredService<MigrationRunner>().ApplyAsync();
            // Hangfire's storage prepares its schema when first built, as at the API's start: housekeeping reads its server roll.
            provider.GetRequiredService<Hangfire.JobStorage>();
            return new SimulationHost(provider, clock, fakes, errors, connectionString);
        }
        catch
        {
            await fakes.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        await Fakes.DisposeAsync();
    }
}

/// <summary>Counts what the application logs at Error or above, keeping the first few messages for the report.</summary>
public sealed class ErrorLogCounter : ILoggerProvider
{
    private readonly List<string> _first = [];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public IReadOnlyList<string> First
    {
        get
        {
            lock (_first)
                return [.. _first];
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Record(string category, string message, Exception? exception)
    {
        Interlocked.Increment(ref _count);
        lock (_first)
            if (_first.Count < 5)
                _first.Add($"{category}: {message}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}");
    }

    private sealed class Logger(ErrorLogCounter owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                owner.Record(category, formatter(state, exception), exception);
        }
    }
}

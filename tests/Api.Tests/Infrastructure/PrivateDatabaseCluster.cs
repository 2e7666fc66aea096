using CleanWallet.LocalPostgres;
using Npgsql;

namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of one test class's own, which its tests may stop and start again (on the same port and data)
/// without disturbing the shared test database.
/// </summary>
public sealed class PrivateDatabaseCluster : IAsyncLifetime
{
    private const string DatabaseName = "cleanwallet_private";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"cw-private-{Guid.NewGuid():N}");
    private readonly List<LocalPostgresCluster> _instances = [];
    private int _port;

    public string ConnectionString { get; private set; } = string.Empty;

    public bool IsRunning { get; private set; }

    public async Task InitializeAsync()
    {
        await StartAsync();
        await _instances[^1].EnsureDatabaseAsync(DatabaseName);
        ConnectionString = _instances[^1].ConnectionString(DatabaseName);
    }

    /// <summary>Stops the server (fast shutdown: open sessions are terminated, committed data stays).</summary>
    public async Task StopAsync()
    {
        await _instances[^1].StopAsync();
        IsRunning = false;
    }

    /// <summary>Starts the server again on the same port and data.</summary>
    public async Task StartAsync()
    {
        // A stopped instance cannot be started again: a new one takes over the data directory (kept, not ephemeral).
        var instance = await LocalPostgresCluster.StartAsync(_dataDirectory, _port, ephemeral: false, fastUnsafe: true);
        _port = instance.Port;
        _instances.Add(instance);
        IsRunning = true;
    }

    /// <summary>On a connection of its own, never pooled: pooled ones die with every restart.</summary>
    public Task<T> ScalarAsync<T>(string sql, params object[] parameters) =>
        TestDatabase.ScalarAsync<T>(ConnectionString + ";Pooling=false", sql, parameters);

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var instance in _instances)
            await instance.DisposeAsync();
        if (Directory.Exists(_dataDirectory))
            Directory.Delete(_dataDirectory, recursive: true);
    }
}

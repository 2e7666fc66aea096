using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CleanWallet.LocalPostgres;

/// <summary>
/// A private PostgreSQL cluster started from the binaries installed on this machine, listening on
/// 127.0.0.1 with trust authentication for the <c>postgres</c> role.
/// Used by tests (ephemeral, throwaway data) and by the dev "Run" target (persistent data).
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable, IDisposable
{
    private const string Host = "127.0.0.1";
    private const string SuperUser = "postgres";
    private const int MaxPortAttempts = 5;
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly PostgresBinaries _binaries;
    private readonly ServerAccount _account;
    private readonly bool _ephemeral;
    private readonly string _socketDirectory;
    private readonly SemaphoreSlim _lifecycleGate = new(1, 1);
    private readonly SemaphoreSlim _createDatabaseGate = new(1, 1);
    private readonly EventHandler _processExitHandler;

    // True from the moment pg_ctl start is issued: a start that timed out may still leave a server behind.
    private volatile bool _serverMayBeRunning;
    private int _disposed;

    private LocalPostgresCluster(PostgresBinaries binaries, ServerAccount account, string dataDirectory, string socketDirectory, bool ephemeral)
    {
        _binaries = binaries;
        _account = account;
        DataDirectory = dataDirectory;
        _socketDirectory = socketDirectory;
        _ephemeral = ephemeral;
        _processExitHandler = (_, _) => StopOnProcessExit();
    }

    public int Port { get; private set; }

    public string DataDirectory { get; }

    private string ServerLogPath => Path.Combine(DataDirectory, "server.log");

    private string PidFilePath => Path.Combine(DataDirectory, "postmaster.pid");

    /// <summary>
    /// Starts a cluster in <paramref name="dataDirectory"/>, reusing an initialised cluster found there or running initdb otherwise.
    /// </summary>
    /// <param name="dataDirectory">Where the cluster lives.</param>
    /// <param name="port">TCP port on 127.0.0.1; 0 picks a free one.</param>
    /// <param name="ephemeral">Delete the data directory on dispose (tests); otherwise it is kept (dev data).</param>
    /// <param name="fastUnsafe">Disable fsync and friends: faster, but a machine crash can corrupt the cluster. For tests.</param>
    /// <param name="ct">Cancels startup.</param>
    public static async Task<LocalPostgresCluster> StartAsync(
        string dataDirectory,
        int port = 0,
        bool ephemeral = false,
        bool fastUnsafe = false,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);

        var fullDataDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        if (string.Equals(Path.TrimEndingDirectorySeparator(Path.GetPathRoot(fullDataDirectory) ?? string.Empty), fullDataDirectory, StringComparison.Ordinal))
        {
            throw new ArgumentException("The data directory must not be a filesystem root.", nameof(dataDirectory));
        }

        // Checked before anything is created or chowned, so a mistyped path never gets modified (or deleted when ephemeral).
        if (Directory.Exists(fullDataDirectory)
            && !File.Exists(Path.Combine(fullDataDirectory, "PG_VERSION"))
            && Directory.EnumerateFileSystemEntries(fullDataDirectory).Any())
        {
            throw new LocalPostgresException(
                $"'{fullDataDirectory}' is not empty and does not contain a PostgreSQL cluster (no PG_VERSION); refusing to initdb over it.");
        }

        var binaries = await PostgresBinaries.LocateAsync(ct).ConfigureAwait(false);
        var account = await ServerAccount.DetectAsync(ct).ConfigureAwait(false);

        Directory.CreateDirectory(fullDataDirectory);
        var socketDirectory = CreateSocketDirectory();
        var cluster = new LocalPostgresCluster(binaries, account, fullDataDirectory, socketDirectory, ephemeral);
        try
        {
            await account.TakeOwnershipAsync(fullDataDirectory, ct).ConfigureAwait(false);
            await account.TakeOwnershipAsync(socketDirectory, ct).ConfigureAwait(false);
            await cluster.StopLeftoverServerAsync(ct).ConfigureAwait(false);
            await cluster.InitialiseIfNeededAsync(ct).ConfigureAwait(false);
            await cluster.StartServerAsync(port, fastUnsafe, ct).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            // Leave nothing running; an ephemeral data directory is removed as well.
            try
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The startup failure is the error worth reporting.
            }

            throw;
        }
    }

    /// <summary>Npgsql connection string for <paramref name="database"/> as the <c>postgres</c> superuser (trust auth, no password).</summary>
    public string ConnectionString(string database)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);

        // The builder quotes values that contain ';' or quotes.
        var builder = new DbConnectionStringBuilder
        {
            ["Host"] = Host,
            ["Port"] = Port.ToString(CultureInfo.InvariantCulture),
            ["Username"] = SuperUser,
            ["Database"] = database,
        };
        return builder.ConnectionString;
    }

    /// <summary>Creates <paramref name="database"/> unless it already exists.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_serverMayBeRunning)
        {
            throw new InvalidOperationException("The cluster has been stopped.");
        }

        // Serialised so parallel tests in one process do not race CREATE DATABASE against each other.
        await _createDatabaseGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // psql variables (:'db') do the literal quoting and %I the identifier quoting, so any name is safe.
            const string script =
                "SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \\gexec\n";
            var result = await RunPsqlAsync(database, script, ct).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return;
            }

            // Another process may have created it between the check and CREATE DATABASE.
            if (await DatabaseExistsAsync(database, ct).ConfigureAwait(false))
            {
                return;
            }

            throw CommandFailed($"Could not create database '{database}'.", result, ServerLogPath);
        }
        finally
        {
            _createDatabaseGate.Release();
        }
    }

    /// <summary>Stops the server (pg_ctl stop -m fast). Safe to call more than once.</summary>
    public Task StopAsync() => StopCoreAsync("fast", CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        DeleteDirectories();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Callers of Dispose have no synchronization context to deadlock on; all awaits use ConfigureAwait(false).
        StopAsync().GetAwaiter().GetResult();
        DeleteDirectories();
    }

    internal static LocalPostgresException CommandFailed(string what, CommandResult result, string? serverLog)
    {
        var message = new StringBuilder(what).AppendLine()
            .Append("Command: ").AppendLine(result.CommandLine)
            .Append("Exit code: ").AppendLine(result.ExitCode.ToString(CultureInfo.InvariantCulture));
        AppendSection(message, "stderr", result.StandardError);
        AppendSection(message, "stdout", result.StandardOutput);
        if (serverLog is not null)
        {
            AppendSection(message, "server.log (tail)", ReadTail(serverLog, maxLines: 40));
        }

        return new LocalPostgresException(message.ToString().TrimEnd());
    }

    private static void AppendSection(StringBuilder message, string title, string content)
    {
        if (!string.IsNullOrWhiteSpace(content))
        {
            message.Append(title).AppendLine(":").AppendLine(content.TrimEnd());
        }
    }

    private static string ReadTail(string path, int maxLines)
    {
        try
        {
            // The server keeps the log open for writing.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            return string.Join('\n', lines.TakeLast(maxLines));
        }
        catch (IOException)
        {
            return "(no server.log)";
        }
        catch (UnauthorizedAccessException)
        {
            return "(server.log not readable)";
        }
    }

    private static string CreateSocketDirectory()
    {
        // Unix socket paths are limited to ~107 bytes, so stay short: /tmp/cwpg-XXXXXX rather than a long $TMPDIR.
        if (!OperatingSystem.IsWindows() && Directory.Exists("/tmp"))
        {
            var path = Path.Combine("/tmp", "cwpg-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return path;
        }

        return Directory.CreateTempSubdirectory("cwpg-").FullName;
    }

    private static int PickFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>A server left running in this directory (e.g. by a crashed run) is stopped so we start from a known state.</summary>
    private async Task StopLeftoverServerAsync(CancellationToken ct)
    {
        if (!File.Exists(PidFilePath))
        {
            return;
        }

        var pidFile = await File.ReadAllLinesAsync(PidFilePath, ct).ConfigureAwait(false);
        var pid = pidFile.Length > 0 && int.TryParse(pidFile[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        var oldSocketDirectory = pidFile.Length > 4 ? pidFile[4].Trim() : null;

        if (pid > 0 && IsPostgresProcess(pid))
        {
            var result = await _account.RunAsync(_binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "60"], ToolTimeout, ct)
                .ConfigureAwait(false);
            if (!result.Succeeded && File.Exists(PidFilePath))
            {
                throw CommandFailed("A PostgreSQL server was already running in this data directory and could not be stopped.", result, ServerLogPath);
            }
        }
        else
        {
            // Stale lock from a crash. PostgreSQL usually copes, but not when the PID was recycled by another process.
            File.Delete(PidFilePath);
        }

        // The crashed run's socket directory is ours to clean (recognised by its prefix).
        if (oldSocketDirectory is not null
            && Path.GetFileName(oldSocketDirectory).StartsWith("cwpg-", StringComparison.Ordinal)
            && !string.Equals(oldSocketDirectory, _socketDirectory, StringComparison.Ordinal))
        {
            TryDeleteDirectory(oldSocketDirectory);
        }
    }

    private static bool IsPostgresProcess(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited
                && (process.ProcessName.StartsWith("postgres", StringComparison.Ordinal)
                    || process.ProcessName.StartsWith("postmaster", StringComparison.Ordinal));
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private async Task InitialiseIfNeededAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            return;
        }

        var result = await _account.RunAsync(
                _binaries.InitDb,
                ["-D", DataDirectory, "-A", "trust", "-U", SuperUser, "-E", "UTF8", "--locale=C", "--no-instructions"],
                TimeSpan.FromMinutes(5),
                ct)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw CommandFailed("initdb failed.", result, serverLog: null);
        }
    }

    private async Task StartServerAsync(int requestedPort, bool fastUnsafe, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = requestedPort == 0 ? PickFreePort() : requestedPort;
            var logLengthBefore = LogLength();

            // pg_ctl hands -o to a shell, so paths inside it are shell-quoted.
            var serverOptions = new StringBuilder()
                .Append("-p ").Append(port.ToString(CultureInfo.InvariantCulture))
                .Append(" -k ").Append(ProcessRunner.ShellQuote(_socketDirectory))
                .Append(" -c listen_addresses=").Append(Host)
                .Append(" -c max_connections=300");
            if (fastUnsafe)
            {
                serverOptions.Append(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            }

            _serverMayBeRunning = true;
            AppDomain.CurrentDomain.ProcessExit -= _processExitHandler;
            AppDomain.CurrentDomain.ProcessExit += _processExitHandler;

            var result = await _account.RunAsync(
                    _binaries.PgCtl,
                    ["start", "-D", DataDirectory, "-l", ServerLogPath, "-w", "-t", "60", "-o", serverOptions.ToString()],
                    ToolTimeout + TimeSpan.FromSeconds(30),
                    ct)
                .ConfigureAwait(false);

            if (result.Succeeded)
            {
                Port = port;
                await WaitUntilReadyAsync(ct).ConfigureAwait(false);
                return;
            }

            // A port picked at random can be grabbed by someone else before postgres binds it; pick another.
            if (requestedPort == 0 && attempt < MaxPortAttempts && !File.Exists(PidFilePath) && LogSince(logLengthBefore).Contains("could not bind", StringComparison.Ordinal))
            {
                continue;
            }

            throw CommandFailed("Could not start the PostgreSQL server.", result, ServerLogPath);
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            var result = await ProcessRunner.RunAsync(
                    _binaries.PgIsReady,
                    ["-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", SuperUser, "-d", "postgres", "-t", "2"],
                    TimeSpan.FromSeconds(10),
                    ct)
                .ConfigureAwait(false);
            if (result.Succeeded)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw CommandFailed($"The PostgreSQL server did not accept connections on {Host}:{Port} within {ReadyTimeout.TotalSeconds:0} s.", result, ServerLogPath);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
        }
    }

    private async Task<bool> DatabaseExistsAsync(string database, CancellationToken ct)
    {
        var result = await RunPsqlAsync(database, "SELECT 1 FROM pg_database WHERE datname = :'db';\n", ct).ConfigureAwait(false);
        return result.Succeeded && result.StandardOutput.Trim() == "1";
    }

    // Connects over TCP as the postgres role; trust auth means the OS user running psql does not matter.
    private Task<CommandResult> RunPsqlAsync(string database, string script, CancellationToken ct) =>
        ProcessRunner.RunAsync(
            _binaries.Psql,
            [
                "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
                "-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", SuperUser, "-d", "postgres",
                "-v", "db=" + database,
                "-f", "-",
            ],
            ToolTimeout,
            ct,
            standardInput: script);

    private async Task StopCoreAsync(string mode, CancellationToken ct)
    {
        await _lifecycleGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_serverMayBeRunning)
            {
                return;
            }

            if (File.Exists(PidFilePath))
            {
                var result = await _account.RunAsync(_binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", mode, "-w", "-t", "60"], ToolTimeout + TimeSpan.FromSeconds(30), ct)
                    .ConfigureAwait(false);

                // pg_ctl also fails when the server is already gone; only a surviving pid file means it is still up.
                if (!result.Succeeded && File.Exists(PidFilePath))
                {
                    throw CommandFailed("Could not stop the PostgreSQL server.", result, ServerLogPath);
                }
            }

            _serverMayBeRunning = false;
            AppDomain.CurrentDomain.ProcessExit -= _processExitHandler;
        }
        finally
        {
            _lifecycleGate.Release();
        }
    }

    /// <summary>Safety net for a test run that never disposes the cluster: never leave a postgres process behind.</summary>
    private void StopOnProcessExit()
    {
        try
        {
            // Immediate is enough when the data is about to be deleted anyway; otherwise shut down cleanly.
            var stop = StopCoreAsync(_ephemeral ? "immediate" : "fast", CancellationToken.None);
            if (stop.Wait(TimeSpan.FromSeconds(20)) && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                DeleteDirectories();
            }
        }
        catch (Exception)
        {
            // Best effort at process exit: nothing left to report to.
        }
    }

    private void DeleteDirectories()
    {
        TryDeleteDirectory(_socketDirectory);
        if (_ephemeral)
        {
            // Not swallowed: a test run silently leaking data directories is worse than a failing Dispose.
            DeleteDirectoryWithRetry(DataDirectory);
        }
    }

    private static void DeleteDirectoryWithRetry(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 5)
            {
                // A just-stopped server can still be finishing file writes.
                Thread.Sleep(100 * attempt);
            }
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private long LogLength()
    {
        try
        {
            return File.Exists(ServerLogPath) ? new FileInfo(ServerLogPath).Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private string LogSince(long offset)
    {
        try
        {
            using var stream = new FileStream(ServerLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }
}

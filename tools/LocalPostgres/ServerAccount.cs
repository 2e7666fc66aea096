namespace CleanWallet.LocalPostgres;

/// <summary>
/// Runs server-side tools (initdb, pg_ctl) as an account PostgreSQL accepts.
/// PostgreSQL refuses to run as root, so under root everything server-side is delegated to the
/// <c>postgres</c> OS user and the directories it writes are handed over to it.
/// </summary>
internal sealed class ServerAccount
{
    private const string PostgresUser = "postgres";
    private static readonly string[] SystemBinDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    private readonly string? _runUser;
    private readonly string? _su;

    private ServerAccount(bool delegates, string? runUser, string? su)
    {
        Delegates = delegates;
        _runUser = runUser;
        _su = su;
    }

    /// <summary>True when commands are re-issued as the postgres OS user.</summary>
    public bool Delegates { get; }

    public static async Task<ServerAccount> DetectAsync(CancellationToken ct)
    {
        if (OperatingSystem.IsWindows() || !Environment.IsPrivilegedProcess)
        {
            return new ServerAccount(delegates: false, runUser: null, su: null);
        }

        var id = PostgresBinaries.FindOnPath("id", SystemBinDirectories) ?? "id";
        var lookup = await ProcessRunner.RunAsync(id, ["-u", PostgresUser], TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);
        if (!lookup.Succeeded)
        {
            throw new LocalPostgresException(
                "Running as root, but PostgreSQL refuses to run as root and there is no 'postgres' OS user to run it as. "
                + "Create one (e.g. 'useradd --system postgres') or run as a non-root user.");
        }

        var runUser = PostgresBinaries.FindOnPath("runuser", SystemBinDirectories);
        var su = runUser is null ? PostgresBinaries.FindOnPath("su", SystemBinDirectories) : null;
        if (runUser is null && su is null)
        {
            throw new LocalPostgresException("Running as root, but neither 'runuser' nor 'su' is available to switch to the 'postgres' user.");
        }

        return new ServerAccount(delegates: true, runUser, su);
    }

    public Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken ct)
    {
        if (!Delegates)
        {
            return ProcessRunner.RunAsync(fileName, arguments, timeout, ct);
        }

        if (_runUser is not null)
        {
            return ProcessRunner.RunAsync(_runUser, ["-u", PostgresUser, "--", fileName, .. arguments], timeout, ct);
        }

        // su only takes a shell command string, hence the quoting.
        var script = "exec " + string.Join(' ', new[] { fileName }.Concat(arguments).Select(ProcessRunner.ShellQuote));
        return ProcessRunner.RunAsync(_su!, ["-s", "/bin/sh", "-c", script, PostgresUser], timeout, ct);
    }

    /// <summary>Makes <paramref name="directory"/> (recursively) owned by the account the server runs as.</summary>
    public async Task TakeOwnershipAsync(string directory, CancellationToken ct)
    {
        if (!Delegates)
        {
            return;
        }

        var chown = PostgresBinaries.FindOnPath("chown", SystemBinDirectories) ?? "chown";
        var result = await ProcessRunner.RunAsync(chown, ["-R", $"{PostgresUser}:{PostgresUser}", directory], TimeSpan.FromMinutes(2), ct)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw LocalPostgresCluster.CommandFailed("Could not hand the directory over to the postgres user.", result, serverLog: null);
        }

        // Ownership is useless if a parent directory (e.g. /root) blocks traversal; fail here with a clear message
        // instead of an obscure initdb/pg_ctl permission error.
        var access = await RunAsync("test", ["-r", directory, "-a", "-w", directory, "-a", "-x", directory], TimeSpan.FromSeconds(15), ct)
            .ConfigureAwait(false);
        if (!access.Succeeded)
        {
            throw new LocalPostgresException(
                $"The postgres OS user cannot access '{directory}': a parent directory is not traversable by other users. "
                + "Use a location such as /tmp or a directory under a world-traversable path.");
        }
    }
}

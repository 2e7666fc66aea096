namespace CleanWallet.LocalPostgres;

/// <summary>Locates the PostgreSQL server binaries installed on this machine.</summary>
internal sealed class PostgresBinaries
{
    private static readonly string[] RequiredTools = ["initdb", "pg_ctl", "postgres", "psql", "pg_isready"];

    private PostgresBinaries(string binDirectory) => BinDirectory = binDirectory;

    public string BinDirectory { get; }

    public string InitDb => Tool("initdb");

    public string PgCtl => Tool("pg_ctl");

    public string Psql => Tool("psql");

    public string PgIsReady => Tool("pg_isready");

    public static async Task<PostgresBinaries> LocateAsync(CancellationToken ct)
    {
        var candidates = new List<string>();

        // pg_config may come from a client-only package whose bindir lacks initdb, so it is only a candidate.
        var pgConfig = FindOnPath("pg_config");
        if (pgConfig is not null)
        {
            var result = await ProcessRunner.RunAsync(pgConfig, ["--bindir"], TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);
            if (result.Succeeded && !string.IsNullOrWhiteSpace(result.StandardOutput))
            {
                candidates.Add(result.StandardOutput.Trim());
            }
        }

        // Debian/Ubuntu layout (/usr/lib/postgresql/15/bin) and PGDG RPM layout (/usr/pgsql-15/bin), newest first.
        candidates.AddRange(VersionedDirectories("/usr/lib/postgresql", prefix: string.Empty));
        candidates.AddRange(VersionedDirectories("/usr", prefix: "pgsql-"));

        foreach (var candidate in candidates)
        {
            if (RequiredTools.All(tool => File.Exists(Path.Combine(candidate, ExecutableName(tool)))))
            {
                return new PostgresBinaries(candidate);
            }
        }

        throw new LocalPostgresException(
            "No PostgreSQL server binaries found (need initdb, pg_ctl, postgres, psql, pg_isready). Looked in: "
            + (candidates.Count == 0 ? "(no candidates: pg_config not on PATH, /usr/lib/postgresql/*/bin absent)" : string.Join(", ", candidates)));
    }

    private string Tool(string name) => Path.Combine(BinDirectory, ExecutableName(name));

    private static string ExecutableName(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;

    private static IEnumerable<string> VersionedDirectories(string root, string prefix)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.EnumerateDirectories(root, prefix + "*")
            .Select(dir => (Dir: dir, Version: ParseVersion(Path.GetFileName(dir)[prefix.Length..])))
            .Where(x => x.Version is not null)
            .OrderByDescending(x => x.Version)
            .Select(x => Path.Combine(x.Dir, "bin"));
    }

    // Numeric ordering so that 10 sorts above 9.6.
    private static Version? ParseVersion(string text) =>
        Version.TryParse(text.Contains('.', StringComparison.Ordinal) ? text : text + ".0", out var version) ? version : null;

    internal static string? FindOnPath(string name, params string[] extraDirectories)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(extraDirectories);
        foreach (var directory in directories)
        {
            var full = Path.Combine(directory, ExecutableName(name));
            if (File.Exists(full))
            {
                return full;
            }
        }

        return null;
    }
}

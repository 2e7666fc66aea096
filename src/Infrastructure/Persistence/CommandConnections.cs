using Npgsql;

namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// The connection pool of the DbContext, which runs every command and query, apart from the pool of the jobs' locks,
/// the migrations and the other plain-Npgsql work:
/// <list type="bullet">
/// <item><b>Prepared statements.</b> Npgsql prepares a statement on a connection once it has run there twice
/// (<c>Max Auto Prepare</c>), so PostgreSQL stops parsing and planning the same few statements of the money path on
/// every request.</item>
/// <item><b>No session reset.</b> By default Npgsql resets a connection's session (<c>DISCARD ALL</c> or its
/// equivalent) when it comes back to the pool: one more statement per checkout. The DbContext leaves no session state
/// behind: it runs in transactions and sets only <c>SET LOCAL</c> settings, which end with them. Session-level advisory
/// locks (jobs, migrations) stay on the other pool, which keeps its reset.</item>
/// </list>
/// Either can be set differently in the connection string: an explicit setting wins.
/// </summary>
public static class CommandConnections
{
    public const string Key = "commands";

    public const int DefaultMaxAutoPrepare = 64;

    public static NpgsqlDataSource Build(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = KeywordsOf(connectionString);
        if (!given.Contains("MaxAutoPrepare"))
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        if (!given.Contains("NoResetOnClose"))
            builder.NoResetOnClose = true;
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    /// <summary>The keywords the connection string sets itself, spaces removed ("Max Auto Prepare" and "MaxAutoPrepare" alike).</summary>
    private static HashSet<string> KeywordsOf(string connectionString) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(keyword => keyword.Replace(" ", "", StringComparison.Ordinal))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
}

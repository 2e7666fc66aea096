using CleanWallet.LocalPostgres;

namespace CleanWallet.Api.Hosting;

/// <summary>
/// Where the database comes from. A configured <c>ConnectionStrings:Wallet</c> always wins; in Development
/// without one, a private PostgreSQL cluster is started under the repository's <c>.data/</c> folder.
/// </summary>
public static class DatabaseSetup
{
    public const string ConnectionStringName = "Wallet";
    private const string DatabaseName = "cleanwallet";

    public static async Task<(string ConnectionString, LocalPostgresCluster? Cluster)> ResolveAsync(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
            return (configured, null);

        if (!builder.Environment.IsDevelopment())
            throw new InvalidOperationException(
                $"No database configured: set ConnectionStrings:{ConnectionStringName} (environment variable ConnectionStrings__{ConnectionStringName}).");

        var dataDirectory = builder.Configuration["LocalPostgres:DataDirectory"] is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : Path.Combine(FindRepositoryRoot(), ".data", "postgres");
        var cluster = await LocalPostgresCluster.StartAsync(dataDirectory);
        await cluster.EnsureDatabaseAsync(DatabaseName);
        return (cluster.ConnectionString(DatabaseName), cluster);
    }

    /// <summary>`dotnet run` starts in the project folder; the data belongs beside the solution.</summary>
    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CleanWallet.sln")))
                return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}

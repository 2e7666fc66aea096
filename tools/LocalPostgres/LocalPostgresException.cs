namespace CleanWallet.LocalPostgres;

/// <summary>
/// Raised when a PostgreSQL tool fails or the local cluster cannot be brought up.
/// The message carries the command, exit code, captured output and the tail of server.log
/// so a failing test run can be diagnosed from the exception alone.
/// </summary>
public sealed class LocalPostgresException : Exception
{
    public LocalPostgresException(string message)
        : base(message)
    {
    }

    public LocalPostgresException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

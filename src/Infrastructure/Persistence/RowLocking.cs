using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CleanWallet.Infrastructure.Persistence;

/// <summary>
/// Row locks for LINQ queries, so that the stores' "load for update" can be compiled queries (EF Core has no
/// <c>FOR UPDATE</c> operator, and <c>FromSql</c> is parsed, funcletized and looked up in the query cache on every
/// call). A query tagged <c>.TagWith(RowLocking.ForUpdate)</c> (inside the compiled expression: an extension method of
/// our own would not translate) begins with that comment; <see cref="Interceptor"/> appends <c>FOR UPDATE</c> to exactly
/// the commands that do. The query must run inside a transaction: the rows stay locked until it ends.
/// </summary>
internal static class RowLocking
{
    /// <summary>The tag that asks for the rows to be locked.</summary>
    public const string ForUpdate = "cw:for-update";

    /// <summary>EF Core writes a tag as a leading SQL comment.</summary>
    private const string TaggedPrefix = "-- " + ForUpdate;

    /// <summary>Appends <c>FOR UPDATE</c> to tagged queries (registered once on the DbContext options).</summary>
    public sealed class Interceptor : DbCommandInterceptor
    {
        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result)
        {
            Lock(command);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Lock(command);
            return ValueTask.FromResult(result);
        }

        private static void Lock(DbCommand command)
        {
            // EF Core builds a new command from the cached text on every execution, so this appends exactly once, and the
            // text is the same every time: prepared statements still apply.
            if (command.CommandText.StartsWith(TaggedPrefix, StringComparison.Ordinal))
                command.CommandText += "\nFOR UPDATE";
        }
    }
}

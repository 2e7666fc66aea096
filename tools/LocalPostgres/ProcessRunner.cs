using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace CleanWallet.LocalPostgres;

internal sealed record CommandResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}

internal static class ProcessRunner
{
    public static async Task<CommandResult> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        CancellationToken ct,
        string? standardInput = null)
    {
        var commandLine = Render(fileName, arguments);
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Always redirected so a tool can never block on the parent's console.
            RedirectStandardInput = true,
            // The caller's cwd may be unreadable for the postgres user (e.g. /root), which makes initdb/pg_ctl warn.
            WorkingDirectory = Path.GetPathRoot(Path.GetTempPath()) ?? "/",
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // PGHOST, PGDATABASE, PGOPTIONS, ... from the developer's shell would silently redirect psql/pg_isready.
        foreach (var key in startInfo.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(key);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new LocalPostgresException($"Could not launch '{commandLine}': {ex.Message}", ex);
        }

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);

        // Both pipes are drained concurrently; reading them one after another can deadlock on a full pipe buffer.
        var stdoutTask = process.StandardOutput.ReadToEndAsync(timeoutCts.Token);
        var stderrTask = process.StandardError.ReadToEndAsync(timeoutCts.Token);

        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), timeoutCts.Token).ConfigureAwait(false);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The tool exited before consuming its input; its exit code and stderr tell the story.
        }

        try
        {
            await process.WaitForExitAsync(timeoutCts.Token).ConfigureAwait(false);
            var stdout = await stdoutTask.ConfigureAwait(false);
            var stderr = await stderrTask.ConfigureAwait(false);
            return new CommandResult(commandLine, process.ExitCode, stdout, stderr);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Kill(process);
            throw new LocalPostgresException($"Command timed out after {timeout.TotalSeconds:0} s: {commandLine}");
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Best effort: the process may belong to another user by now (runuser child).
        }
    }

    public static string Render(string fileName, IEnumerable<string> arguments)
    {
        var builder = new StringBuilder(ShellQuoteIfNeeded(fileName));
        foreach (var argument in arguments)
        {
            builder.Append(' ').Append(ShellQuoteIfNeeded(argument));
        }

        return builder.ToString();
    }

    /// <summary>POSIX single-quote quoting; used for the su fallback and for pg_ctl's -o string, which a shell parses.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string ShellQuoteIfNeeded(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@+%".Contains(c))
            ? value
            : ShellQuote(value);
}

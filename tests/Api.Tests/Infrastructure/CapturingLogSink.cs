using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace CleanWallet.Api.Tests.Infrastructure;

/// <summary>
/// A Serilog sink that keeps every event the API under test writes, so a test can assert what operators would see.
/// Register it with <see cref="Register"/>: the API reads sinks from its container (<c>ReadFrom.Services</c>), next to the
/// configured ones. The Testing environment logs Warning and above; <see cref="InformationLevel"/> lowers that.
/// </summary>
public sealed class CapturingLogSink : ILogEventSink
{
    public sealed record Line(string Category, LogLevel Level, string Message, LogEvent Event);

    /// <summary>The setting that makes the API under test log Information events (as in production).</summary>
    public static readonly KeyValuePair<string, string?> InformationLevel = new("Serilog:MinimumLevel:Default", "Information");

    private readonly ConcurrentQueue<Line> _lines = new();

    public IReadOnlyList<Line> Lines => _lines.ToArray();

    public void Register(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<ILogEventSink>(services, this);

    public void Emit(LogEvent logEvent)
    {
        var category = logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: string name }
            ? name
            : string.Empty;
        _lines.Enqueue(new Line(category, ToLogLevel(logEvent.Level), Render(logEvent), logEvent));
    }

    /// <summary>The message as an operator reads it on the console: text values without quotes.</summary>
    private static string Render(LogEvent logEvent)
    {
        using var message = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out var value)
                                                 && value is ScalarValue { Value: string text })
                message.Write(text);
            else
                token.Render(logEvent.Properties, message, CultureInfo.InvariantCulture);
        }
        return message.ToString();
    }

    private static LogLevel ToLogLevel(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => LogLevel.Trace,
        LogEventLevel.Debug => LogLevel.Debug,
        LogEventLevel.Information => LogLevel.Information,
        LogEventLevel.Warning => LogLevel.Warning,
        LogEventLevel.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };
}

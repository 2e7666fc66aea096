using System.Diagnostics;
using CleanWallet.Domain.Common;
using MediatR;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Application.Common.Behaviours;

/// <summary>
/// Outermost step: the command's outcome and duration. An HTTP request already gets its one Information line from the
/// API's request logging (method, path, status, elapsed, request id), so handled, refused and invalid commands are logged
/// here at Debug only; a failure (an unexpected exception) is an Error with its exception, whoever sent the command.
/// </summary>
public sealed class LoggingBehaviour<TRequest, TResponse>(ILogger<LoggingBehaviour<TRequest, TResponse>> logger)
    : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        var name = typeof(TRequest).Name;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next();
            logger.LogDebug("{Request} handled in {ElapsedMs:0.0} ms", name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (DomainException ex)
        {
            logger.LogDebug("{Request} refused with {Code} in {ElapsedMs:0.0} ms: {Reason}", name, ex.Code,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, ex.Message);
            throw;
        }
        catch (FluentValidation.ValidationException)
        {
            logger.LogDebug("{Request} failed validation", name);
            throw;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "{Request} failed after {ElapsedMs:0.0} ms", name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }
}

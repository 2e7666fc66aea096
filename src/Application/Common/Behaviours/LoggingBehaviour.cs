using System.Diagnostics;
using CleanWallet.Domain.Common;
using MediatR;
using Microsoft.Extensions.Logging;

namespace CleanWallet.Application.Common.Behaviours;

/// <summary>Outermost step: one structured line per request with its outcome and duration.</summary>
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
            logger.LogInformation("{Request} handled in {ElapsedMs:0.0} ms", name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (DomainException ex)
        {
            logger.LogInformation("{Request} refused with {Code} in {ElapsedMs:0.0} ms: {Reason}", name, ex.Code,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, ex.Message);
            throw;
        }
        catch (FluentValidation.ValidationException)
        {
            logger.LogInformation("{Request} failed validation", name);
            throw;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "{Request} failed after {ElapsedMs:0.0} ms", name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }
}

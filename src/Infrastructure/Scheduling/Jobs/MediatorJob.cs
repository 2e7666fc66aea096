using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CleanWallet.Infrastructure.Scheduling.Jobs;

/// <summary>
/// A scheduled job is a thin shell around one Application request, sent in its own DI scope. What the request returns
/// becomes the run's summary in the job history.
/// </summary>
public abstract class MediatorJob<TRequest, TResponse>(IServiceScopeFactory scopes) : IJob
    where TRequest : IRequest<TResponse>
{
    protected abstract TRequest CreateRequest(IJobExecutionContext context);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        context.Result = await mediator.Send(CreateRequest(context), cancellationToken);
    }
}

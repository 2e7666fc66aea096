using MediatR;

namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>
/// One recurring job: its name (the Hangfire recurring job id, the name in the jobs API), what it is for, when it runs
/// and the one Application request it sends. What the request returns becomes the run's summary in the job history.
/// </summary>
public sealed class RecurringJob
{
    private readonly Func<IMediator, JobContext, CancellationToken, Task<JobOutcome>> _run;

    private RecurringJob(string name, string description, Func<SchedulingOptions, string> cron,
        Func<IMediator, JobContext, CancellationToken, Task<JobOutcome>> run)
    {
        Name = name;
        Description = description;
        Cron = cron;
        _run = run;
    }

    public string Name { get; }
    public string Description { get; }
    public Func<SchedulingOptions, string> Cron { get; }

    /// <summary>
    /// A job that sends <paramref name="request"/>. <paramref name="failure"/> turns a returned summary into a failure
    /// message when the request reports one without throwing (the run is then recorded as failed, with its summary).
    /// </summary>
    public static RecurringJob Send<TResponse>(string name, string description, Func<SchedulingOptions, string> cron,
        Func<JobContext, IRequest<TResponse>> request, Func<TResponse, string?>? failure = null) =>
        new(name, description, cron, async (mediator, context, cancellationToken) =>
        {
            var response = await mediator.Send(request(context), cancellationToken);
            return new JobOutcome(response, failure?.Invoke(response));
        });

    internal Task<JobOutcome> RunAsync(IMediator mediator, JobContext context, CancellationToken cancellationToken) =>
        _run(mediator, context, cancellationToken);
}

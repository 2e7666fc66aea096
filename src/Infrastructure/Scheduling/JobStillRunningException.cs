namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>
/// A run that gave up waiting for the job's lock: a run of the same job, on this node or another, held it for longer
/// than <see cref="SchedulingOptions.JobLockWaitSeconds"/>. Nothing of the job ran.
/// </summary>
public sealed class JobStillRunningException(string jobName, TimeSpan waited)
    : Exception($"Another run of '{jobName}' was still running after {waited.TotalSeconds:0} s of waiting; this run did nothing " +
                "(the run in progress catches up on what is due).");

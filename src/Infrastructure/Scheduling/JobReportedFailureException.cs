using Hangfire;
using Hangfire.Server;
using Npgsql;

namespace CleanWallet.Infrastructure.Scheduling;

/// <summary>The failure a job reports without throwing (a billing run whose batches partly failed).</summary>
public sealed class JobReportedFailureException(string message) : Exception(message);

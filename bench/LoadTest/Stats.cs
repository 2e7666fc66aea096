using System.Diagnostics;
using System.Globalization;

namespace CleanWallet.LoadTest;

/// <summary>What one worker saw. Owned by a single worker task, so no locking; merged at the end.</summary>
internal sealed class WorkerStats(int expectedSamples)
{
    public List<long> LatencyTicks { get; } = new(Math.Max(16, expectedSamples));
    public Dictionary<int, long> ErrorsByStatus { get; } = [];
    public Dictionary<string, long> ErrorCodes { get; } = [];
    public Dictionary<string, long> NoResponse { get; } = [];
    public long Requests { get; private set; }
    public long Successes { get; private set; }

    public void Record(PaymentOutcome outcome)
    {
        Requests++;
        if (outcome.Exception is not null)
        {
            Increment(NoResponse, outcome.Exception);
            return;
        }

        LatencyTicks.Add(outcome.ElapsedTicks);
        if (outcome.Status is >= 200 and < 300)
        {
            Successes++;
            return;
        }

        ErrorsByStatus[outcome.Status] = ErrorsByStatus.GetValueOrDefault(outcome.Status) + 1;
        if (outcome.ErrorCode is not null)
            Increment(ErrorCodes, outcome.ErrorCode);
    }

    private static void Increment(Dictionary<string, long> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}

/// <summary>Merged figures of one payment loop.</summary>
internal sealed class LoopStats
{
    private LoopStats() { }

    public long Requests { get; private init; }
    public long Successes { get; private init; }
    public SortedDictionary<string, long> ErrorsByStatus { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> ErrorCodes { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> NoResponse { get; } = new(StringComparer.Ordinal);
    public long NoResponseTotal => NoResponse.Values.Sum();
    public long ErrorTotal => ErrorsByStatus.Values.Sum() + NoResponseTotal;
    public TimeSpan Elapsed { get; private init; }
    public LatencyReport Latency { get; private init; } = new(0, 0, 0, 0, 0, 0);
    public bool StoppedEarly => StopReason is not null;
    public string? StopReason { get; init; }

    public double PaymentsPerSecond => Elapsed.TotalSeconds > 0 ? Successes / Elapsed.TotalSeconds : 0;
    public double RequestsPerSecond => Elapsed.TotalSeconds > 0 ? Requests / Elapsed.TotalSeconds : 0;

    public static LoopStats Merge(IReadOnlyCollection<WorkerStats> workers, TimeSpan elapsed, string? stopReason)
    {
        var all = new long[workers.Sum(w => w.LatencyTicks.Count)];
        int offset = 0;
        foreach (var worker in workers)
        {
            worker.LatencyTicks.CopyTo(all, offset);
            offset += worker.LatencyTicks.Count;
        }
        Array.Sort(all);

        var stats = new LoopStats
        {
            Requests = workers.Sum(w => w.Requests),
            Successes = workers.Sum(w => w.Successes),
            Elapsed = elapsed,
            Latency = Percentiles(all),
            StopReason = stopReason,
        };
        foreach (var worker in workers)
        {
            foreach (var (status, count) in worker.ErrorsByStatus)
                Add(stats.ErrorsByStatus, status.ToString(CultureInfo.InvariantCulture), count);
            foreach (var (code, count) in worker.ErrorCodes)
                Add(stats.ErrorCodes, code, count);
            foreach (var (what, count) in worker.NoResponse)
                Add(stats.NoResponse, what, count);
        }
        return stats;
    }

    /// <summary>Nearest-rank percentiles over sorted Stopwatch ticks, in milliseconds.</summary>
    private static LatencyReport Percentiles(long[] sortedTicks)
    {
        if (sortedTicks.Length == 0)
            return new LatencyReport(0, 0, 0, 0, 0, 0);

        double Ms(long ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 3);
        long At(double p)
        {
            int rank = (int)Math.Ceiling(p / 100.0 * sortedTicks.Length);
            return sortedTicks[Math.Clamp(rank - 1, 0, sortedTicks.Length - 1)];
        }

        double meanTicks = sortedTicks.Average(t => (double)t);
        return new LatencyReport(
            sortedTicks.Length,
            Math.Round(meanTicks * 1000.0 / Stopwatch.Frequency, 3),
            Ms(At(50)),
            Ms(At(90)),
            Ms(At(99)),
            Ms(sortedTicks[^1]));
    }

    private static void Add(SortedDictionary<string, long> counts, string key, long value) =>
        counts[key] = counts.GetValueOrDefault(key) + value;
}

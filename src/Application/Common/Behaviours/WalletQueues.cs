namespace CleanWallet.Application.Common.Behaviours;

/// <summary>
/// One in-memory queue per wallet (striped: a wallet's id picks one of a fixed set of one-at-a-time gates), shared by the
/// process. A command enters the gates of its wallets in ascending order (so two commands on the same two wallets cannot
/// wait for each other) before its transaction begins, and leaves them when it has committed or rolled back. Waiters
/// are served in the order they arrived (<see cref="SemaphoreSlim"/> hands a released gate to its oldest waiter).
/// <para>
/// Only a throughput measure: the wallet's row lock in PostgreSQL still serialises every movement, across processes and
/// for commands that do not queue here. What it saves is the crowd at a busy wallet's row lock: waiting there holds a
/// pooled connection and a PostgreSQL backend per waiter, and each commit wakes every waiter of the row.
/// </para>
/// </summary>
public sealed class WalletQueues
{
    /// <summary>Enough gates that two of a few dozen wallets in flight rarely share one.</summary>
    public const int Gates = 4096;

    private readonly SemaphoreSlim[] _gates = Enumerable.Range(0, Gates).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>
    /// Waits for the turn of every wallet in <paramref name="wallets"/>; the returned value gives the turns back when
    /// disposed. A cancelled wait gives back the turns already taken.
    /// </summary>
    public async ValueTask<Turn> EnterAsync(IEnumerable<Guid> wallets, CancellationToken ct)
    {
        var gates = wallets.Select(GateOf).Distinct().Order().ToArray();
        var entered = 0;
        try
        {
            for (; entered < gates.Length; entered++)
                await _gates[gates[entered]].WaitAsync(ct);
        }
        catch
        {
            Leave(gates, entered);
            throw;
        }
        return new Turn(this, gates);
    }

    private static int GateOf(Guid wallet) => (int)((uint)wallet.GetHashCode() % Gates);

    private void Leave(int[] gates, int count)
    {
        for (var i = count - 1; i >= 0; i--)
            _gates[gates[i]].Release();
    }

    /// <summary>The turn of one command on its wallets' gates.</summary>
    public readonly struct Turn(WalletQueues queues, int[] gates) : IDisposable
    {
        public void Dispose() => queues.Leave(gates, gates.Length);
    }
}

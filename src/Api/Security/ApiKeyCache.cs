using System.Collections.Concurrent;
using CleanWallet.Application.ApiKeys;
using Microsoft.Extensions.Options;

namespace CleanWallet.Api.Security;

/// <summary>
/// The active API keys this node has recently seen, by key hash (Bearer authentication) and by key id (dashboard
/// sessions), each kept for <see cref="ApiKeyCacheOptions.TtlSeconds"/> at most from the moment it was read from the
/// database (a refresh interval only). Unknown or revoked keys are never cached, so a new key works at once and a wrong
/// key is always looked up.
/// <para>
/// A revocation evicts the key at once on the node that made it (<see cref="Evict"/>, after its commit) and on every
/// node when it hears the NOTIFY that the <c>api_keys</c> triggers send in the revoking transaction, whoever revoked
/// (API, SQL UPDATE or DELETE) (<see cref="ApiKeyRevocationListener"/>). What bounds a node that does not hear is the
/// <b>staleness gate</b>: the cache answers only while the listener's last confirmed probe was <i>sent</i> no more than
/// <see cref="ApiKeyCacheOptions.MaxStalenessSeconds"/> ago (<see cref="Heard"/>); otherwise every lookup goes to the
/// database and nothing is stored.
/// </para>
/// <para>
/// Why that bounds a revocation's delay by the staleness, whatever the TTL: a NOTIFY is queued before its transaction
/// commits and the listening backends are signalled before the commit is acknowledged; a listening backend that is
/// signalled sends the pending notifications to its client before it reads its next command (PostgreSQL's async.c,
/// <c>ProcessClientReadInterrupt</c>), and Npgsql raises <c>Notification</c> (which evicts) while reading, before the
/// command's reply completes. So every revocation acknowledged before a probe was sent is evicted before that probe's
/// reply is read. A cache answer at time t needs a confirmed probe sent after t − MaxStaleness, so every revocation
/// acknowledged before t − MaxStaleness was evicted by then; one evicted while a lookup was in flight cannot be put back
/// (<see cref="Generation"/>). A listener that fails stops confirming at once (<see cref="StoppedHearing"/>) and empties
/// the cache; one that hangs simply stops confirming, and the gate closes within the window.
/// </para>
/// </summary>
public sealed class ApiKeyCache
{
    /// <summary>A cache that never grows past this many entries (only active keys are ever cached): it is simply emptied.</summary>
    private const int MaxEntries = 100_000;

    private readonly TimeProvider clock;
    private readonly long ttlTicks;
    private readonly long maxStalenessTicks;
    private readonly ConcurrentDictionary<string, Entry> byHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Entry> byId = new();
    private long generation;

    /// <summary>Until when (a <see cref="GetTimestamp"/> value) the cache may answer; 0 before the first confirmed probe.</summary>
    private long trustedUntil;

    private sealed record Entry(ActiveApiKey Key, long ExpiresAt);

    public ApiKeyCache(IOptions<ApiKeyCacheOptions> options) : this(options, TimeProvider.System)
    {
    }

    /// <summary>With the clock the TTL and the staleness are measured on (its monotonic timestamps only).</summary>
    internal ApiKeyCache(IOptions<ApiKeyCacheOptions> options, TimeProvider clock)
    {
        this.clock = clock;
        ttlTicks = ToTicks(options.Value.TtlSeconds);
        maxStalenessTicks = ToTicks(options.Value.MaxStalenessSeconds);
        MaxStaleness = TimeSpan.FromSeconds(Math.Max(0, options.Value.MaxStalenessSeconds));
    }

    private long ToTicks(double seconds) => (long)(Math.Max(0, seconds) * clock.TimestampFrequency);

    /// <summary>False when the TTL or the staleness is 0: nothing is cached and nobody needs to listen.</summary>
    public bool Enabled => ttlTicks > 0 && maxStalenessTicks > 0;

    public TimeSpan MaxStaleness { get; }

    /// <summary>The clock's monotonic timestamp, the unit of <see cref="Heard"/>.</summary>
    public long GetTimestamp() => clock.GetTimestamp();

    /// <summary>How long ago <paramref name="timestamp"/> (a <see cref="GetTimestamp"/> value) was.</summary>
    public TimeSpan ElapsedSince(long timestamp) => clock.GetElapsedTime(timestamp);

    /// <summary>
    /// The listener received the reply of a probe sent at <paramref name="probeSentAt"/> (a timestamp taken before
    /// sending it): every revocation acknowledged before then has been evicted, so the cache may answer until
    /// <see cref="ApiKeyCacheOptions.MaxStalenessSeconds"/> after it.
    /// </summary>
    public void Heard(long probeSentAt)
    {
        var until = probeSentAt + maxStalenessTicks;
        var current = Volatile.Read(ref trustedUntil);
        while (until > current)
        {
            var seen = Interlocked.CompareExchange(ref trustedUntil, until, current);
            if (seen == current)
                return;
            current = seen;
        }
    }

    /// <summary>The listener lost its connection: the cache stops answering now and forgets every key.</summary>
    public void StoppedHearing()
    {
        Interlocked.Exchange(ref trustedUntil, 0);
        Clear();
    }

    /// <summary>True while the listener's last confirmed probe was sent within the staleness window.</summary>
    public bool Trusted => clock.GetTimestamp() < Volatile.Read(ref trustedUntil);

    /// <summary>
    /// Changes on every eviction. Read it before a database lookup and hand it to <see cref="StoreByHash"/> or
    /// <see cref="StoreById"/>: a result read before a revocation's eviction is then never cached after it.
    /// </summary>
    public long Generation => Volatile.Read(ref generation);

    public bool TryGetByHash(string keyHash, out ActiveApiKey key) => TryGet(byHash, keyHash, out key);

    public bool TryGetById(Guid id, out ActiveApiKey key) => TryGet(byId, id, out key);

    public void StoreByHash(string keyHash, ActiveApiKey key, long generationBeforeLookup) =>
        Store(byHash, keyHash, key, generationBeforeLookup);

    public void StoreById(ActiveApiKey key, long generationBeforeLookup) => Store(byId, key.Id, key, generationBeforeLookup);

    /// <summary>Forgets the key with <paramref name="id"/> (revoked): the next request with it goes to the database.</summary>
    public void Evict(Guid id)
    {
        // First the generation, then the removal: a lookup that stored its (stale) result before this increment is
        // removed below; one that stores after it sees the new generation and removes its own entry (see Store).
        Interlocked.Increment(ref generation);
        byId.TryRemove(id, out _);
        foreach (var (hash, entry) in byHash)
        {
            if (entry.Key.Id == id)
                byHash.TryRemove(hash, out _);
        }
    }

    /// <summary>Forgets every key (e.g. while revocation notifications may have been missed).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref generation);
        byHash.Clear();
        byId.Clear();
    }

    private bool TryGet<TKey>(ConcurrentDictionary<TKey, Entry> entries, TKey lookup, out ActiveApiKey key)
        where TKey : notnull
    {
        if (entries.TryGetValue(lookup, out var entry))
        {
            var now = clock.GetTimestamp();
            // The gate: not trusted means the listener may have missed a revocation, so the database answers.
            if (now < entry.ExpiresAt && now < Volatile.Read(ref trustedUntil))
            {
                key = entry.Key;
                return true;
            }
            // Expired: remove exactly this entry (not a fresher one another request stored meanwhile).
            if (now >= entry.ExpiresAt)
                entries.TryRemove(KeyValuePair.Create(lookup, entry));
        }
        key = null!;
        return false;
    }

    private void Store<TKey>(ConcurrentDictionary<TKey, Entry> entries, TKey lookup, ActiveApiKey key, long generationBeforeLookup)
        where TKey : notnull
    {
        if (!Enabled || !Trusted || Generation != generationBeforeLookup)
            return;
        if (entries.Count >= MaxEntries)
            entries.Clear();
        var entry = new Entry(key, clock.GetTimestamp() + ttlTicks);
        entries[lookup] = entry;
        // An eviction raced this lookup: the database answer may predate the revocation, so do not keep it.
        if (Generation != generationBeforeLookup)
            entries.TryRemove(KeyValuePair.Create(lookup, entry));
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using CleanWallet.Application.ApiKeys;
using Microsoft.Extensions.Options;

namespace CleanWallet.Api.Security;

/// <summary>
/// The active API keys this node has recently seen, by key hash (Bearer authentication) and by key id (dashboard
/// sessions), each kept for <see cref="ApiKeyCacheOptions.TtlSeconds"/> at most from the moment it was read from the
/// database. Unknown or revoked keys are never cached, so a new key works at once and a wrong key is always looked up.
/// A revocation evicts the key at once on the node that made it (<see cref="Evict"/>, after its commit) and on the
/// other nodes when they hear PostgreSQL's NOTIFY (<see cref="ApiKeyRevocationListener"/>); the TTL bounds how long
/// a node that missed the notification keeps serving the key.
/// </summary>
public sealed class ApiKeyCache(IOptions<ApiKeyCacheOptions> options)
{
    /// <summary>A cache that never grows past this many entries (only active keys are ever cached): it is simply emptied.</summary>
    private const int MaxEntries = 100_000;

    private readonly long ttlTicks = (long)(Math.Max(0, options.Value.TtlSeconds) * Stopwatch.Frequency);
    private readonly ConcurrentDictionary<string, Entry> byHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Entry> byId = new();
    private long generation;

    private sealed record Entry(ActiveApiKey Key, long ExpiresAt);

    public bool Enabled => ttlTicks > 0;

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

    private static bool TryGet<TKey>(ConcurrentDictionary<TKey, Entry> entries, TKey lookup, out ActiveApiKey key)
        where TKey : notnull
    {
        if (entries.TryGetValue(lookup, out var entry))
        {
            if (Stopwatch.GetTimestamp() < entry.ExpiresAt)
            {
                key = entry.Key;
                return true;
            }
            // Expired: remove exactly this entry (not a fresher one another request stored meanwhile).
            entries.TryRemove(KeyValuePair.Create(lookup, entry));
        }
        key = null!;
        return false;
    }

    private void Store<TKey>(ConcurrentDictionary<TKey, Entry> entries, TKey lookup, ActiveApiKey key, long generationBeforeLookup)
        where TKey : notnull
    {
        if (!Enabled || Generation != generationBeforeLookup)
            return;
        if (entries.Count >= MaxEntries)
            entries.Clear();
        var entry = new Entry(key, Stopwatch.GetTimestamp() + ttlTicks);
        entries[lookup] = entry;
        // An eviction raced this lookup: the database answer may predate the revocation, so do not keep it.
        if (Generation != generationBeforeLookup)
            entries.TryRemove(KeyValuePair.Create(lookup, entry));
    }
}

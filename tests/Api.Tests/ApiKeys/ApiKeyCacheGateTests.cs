using CleanWallet.Api.Security;
using CleanWallet.Application.ApiKeys;
using CleanWallet.Domain.Access;
using Microsoft.Extensions.Options;

namespace CleanWallet.Api.Tests.ApiKeys;

/// <summary>
/// The staleness gate of <see cref="ApiKeyCache"/> on a clock moved by hand: the cache answers only while the
/// listener's last confirmed probe was sent within MaxStalenessSeconds (3 s here), whatever the TTL (300 s).
/// </summary>
public sealed class ApiKeyCacheGateTests
{
    private readonly ManualTimestamps clock = new();
    private readonly ApiKeyCache cache;
    private readonly ActiveApiKey key = new(Guid.NewGuid(), ApiKeyRole.Ops, null, "On call");

    public ApiKeyCacheGateTests() =>
        cache = new ApiKeyCache(Options.Create(new ApiKeyCacheOptions { TtlSeconds = 300, MaxStalenessSeconds = 3 }), clock);

    [Fact]
    public void A_cache_whose_listener_never_confirmed_it_hears_neither_stores_nor_answers()
    {
        cache.StoreByHash("hash", key, cache.Generation);
        cache.Heard(clock.GetTimestamp());

        Assert.False(cache.TryGetByHash("hash", out _));
    }

    [Fact]
    public void A_cached_key_is_answered_until_max_staleness_after_the_last_confirmed_probe_was_sent_and_again_after_the_next_one()
    {
        cache.Heard(clock.GetTimestamp());
        cache.StoreByHash("hash", key, cache.Generation);
        cache.StoreById(key, cache.Generation);

        clock.Advance(TimeSpan.FromSeconds(2.9));
        Assert.True(cache.TryGetByHash("hash", out var cached));
        Assert.Same(key, cached);
        Assert.True(cache.TryGetById(key.Id, out _));

        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(cache.TryGetByHash("hash", out _));
        Assert.False(cache.TryGetById(key.Id, out _));

        // A probe answered later reopens it: the entry itself (TTL 300 s) was kept.
        cache.Heard(clock.GetTimestamp());
        Assert.True(cache.TryGetByHash("hash", out _));
    }

    [Fact]
    public void The_window_runs_from_when_the_probe_was_sent_not_from_when_its_answer_came()
    {
        var sent = clock.GetTimestamp();
        cache.Heard(sent);
        cache.StoreByHash("hash", key, cache.Generation);
        clock.Advance(TimeSpan.FromSeconds(2.5));

        // Answered 2.5 s after it was sent: it vouches for 0.5 s more, not 3.
        cache.Heard(sent);
        clock.Advance(TimeSpan.FromSeconds(0.6));

        Assert.False(cache.TryGetByHash("hash", out _));
    }

    [Fact]
    public void An_older_probe_answered_late_does_not_shorten_the_window_of_a_newer_one()
    {
        var older = clock.GetTimestamp();
        clock.Advance(TimeSpan.FromSeconds(1));
        cache.Heard(clock.GetTimestamp());
        cache.Heard(older);
        cache.StoreByHash("hash", key, cache.Generation);

        clock.Advance(TimeSpan.FromSeconds(2.5));

        Assert.True(cache.TryGetByHash("hash", out _));
    }

    [Fact]
    public void A_listener_that_stopped_hearing_turns_the_cache_off_at_once_and_it_forgets_every_key()
    {
        cache.Heard(clock.GetTimestamp());
        cache.StoreByHash("hash", key, cache.Generation);

        cache.StoppedHearing();
        Assert.False(cache.TryGetByHash("hash", out _));
        cache.StoreByHash("other", key, cache.Generation);

        cache.Heard(clock.GetTimestamp());
        Assert.False(cache.TryGetByHash("hash", out _));
        Assert.False(cache.TryGetByHash("other", out _));
    }

    [Fact]
    public void The_ttl_still_makes_a_key_be_read_again_while_the_listener_hears()
    {
        cache.Heard(clock.GetTimestamp());
        cache.StoreByHash("hash", key, cache.Generation);
        for (var second = 0; second < 300; second++)
        {
            Assert.True(cache.TryGetByHash("hash", out _), $"missed at {second} s");
            clock.Advance(TimeSpan.FromSeconds(1));
            cache.Heard(clock.GetTimestamp());
        }

        Assert.False(cache.TryGetByHash("hash", out _));
    }

    [Fact]
    public void A_lookup_that_was_in_flight_when_its_key_was_evicted_is_not_stored()
    {
        cache.Heard(clock.GetTimestamp());
        var before = cache.Generation;

        cache.Evict(key.Id);
        cache.StoreByHash("hash", key, before);

        Assert.False(cache.TryGetByHash("hash", out _));
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(300, 0)]
    public void A_ttl_or_staleness_of_zero_turns_the_cache_off(double ttlSeconds, double maxStalenessSeconds)
    {
        var off = new ApiKeyCache(Options.Create(new ApiKeyCacheOptions { TtlSeconds = ttlSeconds, MaxStalenessSeconds = maxStalenessSeconds }), clock);
        off.Heard(clock.GetTimestamp());
        off.StoreByHash("hash", key, off.Generation);

        Assert.False(off.Enabled);
        Assert.False(off.TryGetByHash("hash", out _));
    }

    /// <summary>Monotonic timestamps moved by hand (in TimeSpan ticks), the only part of the clock the cache reads.</summary>
    private sealed class ManualTimestamps : TimeProvider
    {
        private long now = TimeSpan.TicksPerDay;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref now);

        public void Advance(TimeSpan by) => Interlocked.Add(ref now, by.Ticks);
    }
}

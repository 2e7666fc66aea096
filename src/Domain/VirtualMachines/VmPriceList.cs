namespace CleanWallet.Domain.VirtualMachines;

/// <summary>The price of every size a VM can have; "larger" means a higher monthly price.</summary>
public sealed class VmPriceList
{
    private readonly Dictionary<string, VmRate> _rates;

    public VmPriceList(IEnumerable<KeyValuePair<string, VmRate>> rates)
    {
        _rates = new Dictionary<string, VmRate>(rates, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The price of a size; a size without a price is a configuration error, not a customer's.</summary>
    public VmRate RateOf(string size) =>
        _rates.TryGetValue(size, out var rate) ? rate : throw new InvalidOperationException($"VM size '{size}' has no price.");

    /// <summary>The larger of two sizes by monthly price; on a tie the one held so far (<paramref name="current"/>) stays.</summary>
    public string Larger(string? current, string candidate) =>
        current is null || RateOf(candidate).MonthlyPrice > RateOf(current).MonthlyPrice ? candidate : current;
}

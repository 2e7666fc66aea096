using CleanWallet.Domain.Common;
using CleanWallet.Domain.VirtualMachines;
using Microsoft.Extensions.Options;

namespace CleanWallet.Application.Vms;

/// <summary>The VM size catalogue and the prices derived from it. Sizes are listed cheapest first.</summary>
public sealed class VmCatalog
{
    public static readonly IReadOnlyList<VmSize> DefaultSizes =
    [
        new("Small", 1, 2, 150.00m),
        new("Medium", 2, 4, 300.00m),
        new("Large", 4, 8, 600.00m),
        new("Enterprise", 8, 16, 1200.00m),
    ];

    private readonly Dictionary<string, VmSize> _byName;

    public VmCatalog(IOptions<VmOptions> options)
    {
        var settings = options.Value;
        if (settings.HoursPerMonth <= 0 || settings.FundsCheckHours < 0)
            throw new InvalidOperationException("Vms:HoursPerMonth must be positive and Vms:FundsCheckHours zero or more.");
        HoursPerMonth = settings.HoursPerMonth;
        FundsCheckHours = settings.FundsCheckHours;
        Sizes = settings.Sizes.Count == 0
            ? DefaultSizes
            : settings.Sizes
                .Select(pair => new VmSize(pair.Key, pair.Value.Vcpus, pair.Value.MemoryGb, pair.Value.MonthlyPrice))
                .OrderBy(size => size.MonthlyPrice).ThenBy(size => size.Name, StringComparer.Ordinal)
                .ToList();
        if (Sizes.Any(size => size.MonthlyPrice < 0m || !Money.HasAtMostTwoDecimals(size.MonthlyPrice)))
            throw new InvalidOperationException("Every VM size needs a price of zero or more with at most two decimals.");
        _byName = Sizes.ToDictionary(size => size.Name, StringComparer.OrdinalIgnoreCase);
        Prices = new VmPriceList(Sizes.Select(size => KeyValuePair.Create(size.Name, new VmRate(size.MonthlyPrice, HoursPerMonth))));
    }

    public int HoursPerMonth { get; }

    public int FundsCheckHours { get; }

    public IReadOnlyList<VmSize> Sizes { get; }

    /// <summary>The catalogue's prices as the VM aggregate bills with them.</summary>
    public VmPriceList Prices { get; }

    /// <summary>The size by name, whatever its letter case; null when the catalogue has no such size.</summary>
    public VmSize? Find(string? name) => name is not null && _byName.TryGetValue(name, out var size) ? size : null;

    /// <summary>
    /// A size that must exist: validated input, or the size a VM already has. Missing means the catalogue settings
    /// dropped a size still in use, a configuration error.
    /// </summary>
    public VmSize Get(string name) =>
        Find(name) ?? throw new InvalidOperationException($"VM size '{name}' is not in the catalogue (Vms:Sizes).");

    /// <summary>Available funds a single VM of this size needs (the funds gate counts the wallet's whole Running fleet).</summary>
    public decimal FundsRequired(VmSize size) => FleetFunding.Required([Prices.RateOf(size.Name)], FundsCheckHours);
}

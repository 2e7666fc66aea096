namespace CleanWallet.Simulator;

/// <summary>What a company does, which shapes when and how much it buys.</summary>
public enum Industry
{
    Banking,
    Retail,
    Healthcare,
    Mining,
    Technology,
    Logistics,
    Media,
    Education,
}

/// <summary>One simulated VM as the simulation last saw it (the database is the truth; this is re-read every hour).</summary>
public sealed class SimVm(Guid id, string name, string size)
{
    public Guid Id { get; } = id;
    public string Name { get; } = name;
    public string Size { get; set; } = size;
    public string Status { get; set; } = "Running";
}

/// <summary>A generated company: a customer with one ZAR wallet and a fleet that follows its industry's demand.</summary>
public sealed class Company
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    public required Industry Industry { get; init; }
    public required bool Invoice { get; init; }
    public required decimal CreditLimit { get; init; }
    /// <summary>Running VMs at demand 1.0.</summary>
    public required double Scale { get; init; }
    /// <summary>How readily it tops up when running low (0..1): the careless ones run out and get suspended.</summary>
    public required double Diligence { get; init; }
    /// <summary>Tops up barely the month its fleet needs, pays an onboarding fee at once and runs out within weeks.</summary>
    public bool StartUp { get; init; }
    public bool IsReseller { get; set; }
    /// <summary>The reseller that funds this company by transfers, if any.</summary>
    public Company? FundedBy { get; set; }

    public Guid CustomerId { get; set; }
    public Guid WalletId { get; set; }
    public List<SimVm> Vms { get; } = [];
    public int VmsCreated { get; set; }

    // Hourly snapshot of the wallet (after the billing run).
    public decimal Balance { get; set; }
    public decimal Available { get; set; }
    public bool Frozen { get; set; }

    /// <summary>Mining works in bursts: a burst lasts until this instant.</summary>
    public DateTimeOffset BurstUntil { get; set; }

    public IEnumerable<SimVm> Live => Vms.Where(v => v.Status != "Deleted");
}

/// <summary>Generates the population from the seed: names from word lists, industries, billing models, resellers.</summary>
public static class Population
{
    private static readonly string[] Stems =
    [
        "Acacia", "Baobab", "Cape", "Delta", "Ember", "Fynbos", "Granite", "Highveld", "Indigo", "Jacaranda", "Karoo", "Limpopo",
        "Marula", "Namib", "Orion", "Protea", "Quartz", "Rooibos", "Summit", "Table", "Umhlanga", "Vaal", "Waterberg", "Xenon",
        "Yellowwood", "Zambezi", "Atlas", "Beacon", "Cobalt", "Drakensberg", "Equator", "Falcon", "Kestrel", "Lion's Head",
        "Meridian", "Northern", "Outeniqua", "Pioneer", "Silverleaf", "Tugela", "Union", "Vanguard", "Wildcoast", "Blue Crane",
    ];

    private static readonly Dictionary<Industry, string[]> Trades = new()
    {
        [Industry.Banking] = ["Bank", "Capital", "Trust", "Securities", "Mutual", "Finance"],
        [Industry.Retail] = ["Retail", "Stores", "Outfitters", "Markets", "Trading", "Grocers"],
        [Industry.Healthcare] = ["Health", "Medical", "Clinics", "Pharma", "Care", "Diagnostics"],
        [Industry.Mining] = ["Mining", "Minerals", "Platinum", "Resources", "Coal", "Gold Fields"],
        [Industry.Technology] = ["Software", "Systems", "Digital", "Data", "Labs", "Networks"],
        [Industry.Logistics] = ["Logistics", "Freight", "Shipping", "Couriers", "Transport", "Cargo"],
        [Industry.Media] = ["Media", "Broadcasting", "Studios", "Publishing", "Radio", "Films"],
        [Industry.Education] = ["Academy", "College", "Learning", "Schools", "Institute", "Tutors"],
    };

    private static readonly string[] Suffixes = ["Ltd", "Holdings", "Group", "(Pty) Ltd", "Limited", "Corporation", "& Co"];

    public static List<Company> Generate(Random random, int count)
    {
        var industries = Enum.GetValues<Industry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var companies = new List<Company>(count);
        for (var i = 0; i < count; i++)
        {
            var industry = industries[random.Next(industries.Length)];
            var name = $"{Stems[random.Next(Stems.Length)]} {Pick(random, Trades[industry])} {Pick(random, Suffixes)}";
            for (var n = 2; !names.Add(name); n++)
                name = $"{name.Split(" #")[0]} #{n}";
            // Every tenth company (the fourth, fourteenth, …) is a struggling start-up: PAYG, careless, short of money.
            var startUp = i % 10 == 3;
            var invoice = !startUp && random.NextDouble() < (industry is Industry.Banking or Industry.Mining ? 0.6 : 0.25);
            companies.Add(new Company
            {
                Index = i,
                Name = name,
                Industry = industry,
                Invoice = invoice,
                CreditLimit = invoice ? 1000m * random.Next(2, 31) : 0m,
                Scale = industry switch
                {
                    Industry.Banking => 2 + random.NextDouble() * 3,
                    Industry.Mining => 1.2 + random.NextDouble() * 2.5,
                    _ => 0.5 + random.NextDouble() * 2,
                },
                Diligence = startUp ? 0.05 : random.NextDouble() < 0.2 ? 0.05 + random.NextDouble() * 0.15 : 0.5 + random.NextDouble() * 0.5,
                StartUp = startUp,
            });
        }

        // About one in ten is a reseller funding two to four PAYG customers of its own (never another reseller's).
        var resellers = Math.Max(count >= 5 ? 1 : 0, count / 10);
        var candidates = companies.Where(c => !c.Invoice && !c.StartUp).ToList();
        for (var r = 0; r < resellers && candidates.Count > 2; r++)
        {
            var reseller = companies.Where(c => !c.IsReseller && c.FundedBy is null && !c.StartUp).OrderByDescending(c => c.Scale).ThenBy(c => c.Index)
                .Skip(r).FirstOrDefault();
            if (reseller is null)
                break;
            reseller.IsReseller = true;
            var clients = random.Next(2, 5);
            foreach (var client in candidates.Where(c => c != reseller && !c.IsReseller && c.FundedBy is null).Take(clients).ToList())
            {
                client.FundedBy = reseller;
                candidates.Remove(client);
            }
        }
        return companies;
    }

    private static string Pick(Random random, string[] words) => words[random.Next(words.Length)];

    /// <summary>
    /// How busy the company's industry is at <paramref name="t"/>, 1.0 being its normal level: banking steady around the
    /// clock, retail peaking at month-end and in December, healthcare seasonal (the southern winter), mining in bursts,
    /// technology and logistics on working hours, media in the evening, education in term time.
    /// </summary>
    public static double Demand(Company company, DateTimeOffset t, Random random)
    {
        var hour = t.Hour + 2; // SAST
        var weekday = t.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
        var workHours = weekday && hour is >= 8 and < 18;
        var daysInMonth = DateTime.DaysInMonth(t.Year, t.Month);
        switch (company.Industry)
        {
            case Industry.Banking:
                return weekday ? 1.0 : 0.9;
            case Industry.Retail:
                var monthEnd = t.Day > daysInMonth - 3 || t.Day <= 1 ? 1.8 : 1.0;
                var december = t.Month == 12 ? 2.2 : t.Month == 11 && t.Day > 20 ? 1.5 : 1.0;
                return 0.7 * monthEnd * december * (hour is >= 9 and < 21 ? 1.2 : 0.7);
            case Industry.Healthcare:
                // Peaks in July (the southern winter), lowest in January.
                return 1.0 + 0.45 * -Math.Cos((t.DayOfYear - 15) / 365.0 * 2 * Math.PI);
            case Industry.Mining:
                if (t >= company.BurstUntil && random.NextDouble() < 0.004)
                    company.BurstUntil = t.AddHours(24 * (2 + random.Next(8)));
                return t < company.BurstUntil ? 2.5 : 0.6;
            case Industry.Technology:
                return workHours ? 1.4 : 0.7;
            case Industry.Logistics:
                return weekday ? (hour is >= 5 and < 20 ? 1.2 : 0.8) : 0.6;
            case Industry.Media:
                return hour is >= 17 and < 24 ? 1.6 : 0.8;
            case Industry.Education:
                var holidays = t.Month is 12 or 1 || (t.Month == 7 && t.Day < 20) || (t.Month is 3 or 4 && t.Day is > 25 or < 8);
                return holidays ? 0.3 : workHours ? 1.3 : 0.8;
            default:
                return 1.0;
        }
    }
}

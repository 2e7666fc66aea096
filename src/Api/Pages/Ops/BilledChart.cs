using System.Globalization;
using CleanWallet.Application.Operations;

namespace CleanWallet.Api.Pages.Ops;

/// <summary>
/// The geometry of the "amount billed per hour" bar chart, computed here so the view only writes SVG. One bar per clock
/// hour (zero hours drawn as an empty slot), a y axis rounded up to a readable maximum, an x label every six hours.
/// </summary>
public sealed class BilledChart
{
    public const double Width = 960;
    public const double Height = 260;
    public const double Left = 72;
    public const double Right = 12;
    public const double Top = 14;
    public const double Bottom = 46;
    public const double PlotWidth = Width - Left - Right;
    public const double PlotHeight = Height - Top - Bottom;

    public sealed record Bar(double X, double Y, double BarWidth, double BarHeight, DateTimeOffset HourStart, decimal Amount);

    public sealed record Tick(double Position, string Label, string? SubLabel = null);

    public BilledChart(IReadOnlyList<HourlyBilledAmount> hours)
    {
        Hours = hours;
        Total = hours.Sum(h => h.Amount);
        Maximum = hours.Count == 0 ? 0 : hours.Max(h => h.Amount);
        AxisMaximum = NiceCeiling(Maximum);

        var slot = hours.Count == 0 ? PlotWidth : PlotWidth / hours.Count;
        var barWidth = Math.Max(1, slot * 0.72);
        Bars = hours.Select((hour, index) =>
        {
            var height = (double)(hour.Amount / AxisMaximum) * PlotHeight;
            var x = Left + index * slot + (slot - barWidth) / 2;
            return new Bar(x, Top + PlotHeight - height, barWidth, height, hour.HourStart, hour.Amount);
        }).ToList();

        YTicks = Enumerable.Range(0, 5)
            .Select(i => new Tick(Top + PlotHeight - PlotHeight * i / 4,
                (AxisMaximum * i / 4).ToString("#,##0.00##", CultureInfo.InvariantCulture)))
            .ToList();
        XTicks = hours.Select((hour, index) => (hour, index))
            .Where(h => h.hour.HourStart.UtcDateTime.Hour % 6 == 0)
            .Select(h => new Tick(Left + h.index * slot + slot / 2,
                h.hour.HourStart.UtcDateTime.ToString("HH':00'", CultureInfo.InvariantCulture),
                h.hour.HourStart.UtcDateTime.Hour == 0 ? h.hour.HourStart.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null))
            .ToList();
    }

    public IReadOnlyList<HourlyBilledAmount> Hours { get; }
    public decimal Total { get; }
    public decimal Maximum { get; }
    public decimal AxisMaximum { get; }
    public IReadOnlyList<Bar> Bars { get; }
    public IReadOnlyList<Tick> YTicks { get; }
    public IReadOnlyList<Tick> XTicks { get; }
    public DateTimeOffset? From => Hours.Count == 0 ? null : Hours[0].HourStart;
    public DateTimeOffset? To => Hours.Count == 0 ? null : Hours[^1].HourStart.AddHours(1);

    /// <summary>SVG coordinates are written with a dot, whatever the culture.</summary>
    public static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>The smallest 1, 2, 2.5 or 5 × 10^n at or above the value (1 for an empty chart), so axis labels are round.</summary>
    private static decimal NiceCeiling(decimal value)
    {
        if (value <= 0)
            return 1m;
        var magnitude = (decimal)Math.Pow(10, Math.Floor(Math.Log10((double)value)));
        foreach (var step in new[] { 1m, 2m, 2.5m, 5m, 10m })
            if (step * magnitude >= value)
                return step * magnitude;
        return 10m * magnitude;
    }
}

using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CleanWallet.Api.Tests.Payments;

/// <summary>Where a <see cref="CrashingCardGateway"/> makes the process "die" on the next charge.</summary>
public enum CardCrashPoint
{
    None,
    /// <summary>The Pending payment is committed; the charge never reaches the processor.</summary>
    BeforeCharge,
    /// <summary>The processor charged (and approved or declined) the card; its answer is never recorded.</summary>
    AfterCharge,
}

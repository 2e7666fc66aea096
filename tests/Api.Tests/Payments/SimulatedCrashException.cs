using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CleanWallet.Api.Tests.Payments;

/// <summary>The stand-in for a process dying at a chosen instant: the request stops there and nothing after it runs.</summary>
public sealed class SimulatedCrashException(string message) : Exception(message);

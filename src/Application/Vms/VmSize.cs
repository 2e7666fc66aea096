namespace CleanWallet.Application.Vms;

/// <summary>A size of the catalogue with its price.</summary>
public sealed record VmSize(string Name, int Vcpus, int MemoryGb, decimal MonthlyPrice);

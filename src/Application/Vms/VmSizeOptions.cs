namespace CleanWallet.Application.Vms;

public sealed class VmSizeOptions
{
    public int Vcpus { get; set; }
    public int MemoryGb { get; set; }
    public decimal MonthlyPrice { get; set; }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using BlindAI.Enclave.Simulation;

namespace BlindAI.HardwareEmulator.Gramine;

/// <summary>
/// Gramine's <c>_sgx_mrenclave</c> and <c>_sgx_mrsigner</c> keys, derived as EGETKEY derives seal keys: from a secret
/// of the "CPU" (here the seed in the state folder) and the enclave identity the key policy names. The same enclave on
/// the same emulated platform gets the same key after any restart; another MRENCLAVE gets another MRENCLAVE key but,
/// with the same signer, product and SVN, the same MRSIGNER key.
/// </summary>
internal static class EmulatedSealingKeys
{
    public const int KeyLength = 16;

    public static byte[] MrEnclaveKey(ReadOnlySpan<byte> platformSecret, SimulatedSgxEnclave enclave, ReadOnlySpan<byte> cpuSvn) =>
        Derive(platformSecret, "MRENCLAVE", enclave.MrEnclave.Span, enclave, cpuSvn);

    public static byte[] MrSignerKey(ReadOnlySpan<byte> platformSecret, SimulatedSgxEnclave enclave, ReadOnlySpan<byte> cpuSvn) =>
        Derive(platformSecret, "MRSIGNER", enclave.MrSigner.Span, enclave, cpuSvn);

    private static byte[] Derive(ReadOnlySpan<byte> platformSecret, string policy, ReadOnlySpan<byte> measurement, SimulatedSgxEnclave enclave, ReadOnlySpan<byte> cpuSvn)
    {
        // The key request EGETKEY would see: policy, the measurement it names, ISVPRODID, ISVSVN and CPUSVN.
        byte[] label = Encoding.ASCII.GetBytes("BlindAI hardware emulator seal key " + policy + "\0");
        Span<byte> svns = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(svns, enclave.IsvProdId);
        BinaryPrimitives.WriteUInt16LittleEndian(svns[2..], enclave.IsvSvn);
        byte[] request = [.. label, .. measurement, .. svns, .. cpuSvn];
        byte[] mac = HMACSHA256.HashData(platformSecret, request);
        byte[] key = mac[..KeyLength];
        CryptographicOperations.ZeroMemory(mac);
        return key;
    }
}

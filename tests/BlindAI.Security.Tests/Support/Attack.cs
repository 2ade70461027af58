using System.Security.Cryptography;
using System.Text;
using BlindAI.Attestation;
using BlindAI.Attestation.Collateral;
using BlindAI.Client;
using BlindAI.Enclave.Simulation;
using BlindAI.Protocol.Cbor;
using BlindAI.Protocol.Messages;
using BlindAI.Testing;

namespace BlindAI.Security.Tests.Support;

/// <summary>What every attack test asserts after the typed failure, and the attacker's tools for forging collateral.</summary>
internal static class Attack
{
    /// <summary>
    /// No upload, run or delete reached the host, and nothing reached its attested or management listeners at all
    /// (a request is only recorded there after a completed TLS handshake).
    /// </summary>
    public static void AssertNothingReached(SimulatedHost host)
    {
        Assert.Equal(0, host.Requests.ModelOrDataRequests);
        Assert.Equal(0, host.Requests.RequestsOnPorts(host.AttestedPort, host.ManagementPort));
    }

    /// <summary>
    /// Connects with <paramref name="options"/> and asserts the attack ends in the expected typed attestation failure
    /// before <paramref name="host"/> received any model or data.
    /// </summary>
    public static async Task<AttestationException> AssertRefusedAsync(SimulatedHost host, BlindAIClientOptions options, AttestationFailureReason reason, VerificationStep step)
    {
        var error = await Assert.ThrowsAsync<AttestationException>(() => BlindAIClient.ConnectAsync(options));
        Assert.Equal(reason, error.Reason);
        Assert.Equal(step, error.Step);
        AssertNothingReached(host);
        return error;
    }

    /// <summary>
    /// A client-side collateral provider that answers every request with what <paramref name="collateral"/> returns,
    /// whatever the quote: an attacker's source does not check that its collateral fits, the verifier must.
    /// </summary>
    public static ICollateralProvider Provider(Func<QuoteCollateral> collateral) => new DelegatingCollateralProvider(collateral);

    /// <summary>Collateral signed by the host's own simulated "Intel" with the given changes, as a client-side source returns it.</summary>
    public static QuoteCollateral Resolved(SimulatedHost host, SimulatedCollateralOptions options) => Resolved(Forge(host, options));

    /// <summary>Forged collateral as a client-side source (PCS, PCCS) would return it.</summary>
    public static QuoteCollateral Resolved(SimulatedCollateral collateral) => collateral.ToQuoteCollateral();

    /// <summary>Collateral signed by the host's own simulated platform (its "Intel"), with the given changes.</summary>
    public static SimulatedCollateral Forge(SimulatedHost host, SimulatedCollateralOptions options)
    {
        using SimulatedTeePlatform platform = host.LoadPlatform();
        return platform.CreateCollateral(options);
    }

    /// <summary>
    /// The host's <c>GET /collateral</c> reply with its collateral replaced by <paramref name="forged"/>, as a man in the
    /// middle on the untrusted port (or a compromised host) would serve it. The PCK certificate fields are kept.
    /// </summary>
    public static byte[] ReplaceCollateral(byte[] genuineReply, SimulatedCollateral forged)
    {
        SgxCollateral genuine = MessageCodec.Default.DecodeCollateral(genuineReply);
        return MessageCodec.Default.EncodeCollateral(genuine with
        {
            PckCrlIssuerChain = forged.PckCrlIssuerChain,
            RootCaCrl = PemCrl(forged.RootCaCrl.Span),
            PckCrl = PemCrl(forged.PckCrl.Span),
            TcbInfoIssuerChain = forged.TcbInfoIssuerChain,
            TcbInfo = forged.ToPcsTcbInfoResponse(),
            QeIdentityIssuerChain = forged.QeIdentityIssuerChain,
            QeIdentity = forged.ToPcsQeIdentityResponse(),
        });
    }

    /// <summary>The host's <c>GET /collateral</c> reply with one field rewritten.</summary>
    public static byte[] RewriteCollateral(byte[] genuineReply, Func<SgxCollateral, SgxCollateral> rewrite) =>
        MessageCodec.Default.EncodeCollateral(rewrite(MessageCodec.Default.DecodeCollateral(genuineReply)));

    /// <summary>An FMSPC (6 bytes) that no simulated platform has: another CPU family.</summary>
    public static byte[] OtherFmspc() => [0x00, 0x90, 0x6E, 0xD5, 0x00, 0x00];

    private static string PemCrl(ReadOnlySpan<byte> der) => new(PemEncoding.Write("X509 CRL", der));
}

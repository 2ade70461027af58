namespace BlindAI.Protocol.Messages;

/// <summary>
/// The body of <c>GET /collateral</c> (untrusted port): the DCAP quote-verification collateral as the original server
/// sent it, a map of exactly these ten keys in this order (the original client rejects any other key set).
/// </summary>
/// <param name="Version">Collateral version (<c>version</c>, unsigned integer).</param>
/// <param name="PckCrlIssuerChain">PEM chain of the PCK CRL issuer (<c>pck_crl_issuer_chain</c>).</param>
/// <param name="RootCaCrl">PEM root CA CRL (<c>root_ca_crl</c>).</param>
/// <param name="PckCrl">PEM PCK CRL (<c>pck_crl</c>).</param>
/// <param name="TcbInfoIssuerChain">PEM chain of the TCB Info signer (<c>tcb_info_issuer_chain</c>).</param>
/// <param name="TcbInfo">TCB Info JSON as Intel PCS returns it (<c>tcb_info</c>).</param>
/// <param name="QeIdentityIssuerChain">PEM chain of the QE Identity signer (<c>qe_identity_issuer_chain</c>).</param>
/// <param name="QeIdentity">QE Identity JSON (<c>qe_identity</c>).</param>
/// <param name="PckCertificate">PEM of the first certificate of the quote's PCK chain (<c>pck_certificate</c>).</param>
/// <param name="PckSigningChain">The remaining PEM certificates of that chain, joined with newlines (<c>pck_signing_chain</c>).</param>
public sealed record SgxCollateral(
    uint Version,
    string PckCrlIssuerChain,
    string RootCaCrl,
    string PckCrl,
    string TcbInfoIssuerChain,
    string TcbInfo,
    string QeIdentityIssuerChain,
    string QeIdentity,
    string PckCertificate,
    string PckSigningChain);

using System.CommandLine;
using BlindAI.Attestation.Collateral;

namespace BlindAI.Cli.Commands;

/// <summary>
/// The collateral options shared by the verifying commands: either a dcap-qvl JSON bundle, or the seven raw Intel
/// PCS/PCCS pieces (bodies as served, issuer chains as PEM or URL-encoded PEM, CRLs as DER, PEM or hex).
/// </summary>
internal sealed class CollateralInputs
{
    private readonly Option<FileInfo> _bundle = new("--collateral") { Description = "A collateral bundle in the dcap-qvl JSON format." };
    private readonly Option<FileInfo> _tcbInfo = new("--tcb-info") { Description = "TCB Info response body ({\"tcbInfo\":…,\"signature\":…})." };
    private readonly Option<FileInfo> _tcbInfoChain = new("--tcb-info-chain") { Description = "TCB Info issuer chain (PEM or URL-encoded PEM)." };
    private readonly Option<FileInfo> _qeIdentity = new("--qe-identity") { Description = "QE Identity response body ({\"enclaveIdentity\":…,\"signature\":…})." };
    private readonly Option<FileInfo> _qeIdentityChain = new("--qe-identity-chain") { Description = "QE Identity issuer chain (PEM or URL-encoded PEM)." };
    private readonly Option<FileInfo> _pckCrl = new("--pck-crl") { Description = "PCK CRL (DER, PEM or hex)." };
    private readonly Option<FileInfo> _pckCrlChain = new("--pck-crl-chain") { Description = "PCK CRL issuer chain (PEM or URL-encoded PEM)." };
    private readonly Option<FileInfo> _rootCaCrl = new("--root-ca-crl") { Description = "Intel SGX Root CA CRL (DER, PEM or hex)." };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { _bundle, _tcbInfo, _tcbInfoChain, _qeIdentity, _qeIdentityChain, _pckCrl, _pckCrlChain, _rootCaCrl })
        {
            command.Add(option);
        }
    }

    /// <summary>Reads the collateral the options name.</summary>
    /// <exception cref="CliInputException">Neither form, or an incomplete set of raw pieces, was given.</exception>
    public async Task<QuoteCollateral> LoadAsync(ParseResult parse, CancellationToken cancellationToken) =>
        (await LoadParserAsync(parse, cancellationToken).ConfigureAwait(false))();

    /// <summary>Reads the collateral files once and returns a function that parses them (cold benchmarks call it repeatedly).</summary>
    /// <exception cref="CliInputException">Neither form, or an incomplete set of raw pieces, was given.</exception>
    public async Task<Func<QuoteCollateral>> LoadParserAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        FileInfo? bundle = parse.GetValue(_bundle);
        Option<FileInfo>[] pieces = [_tcbInfo, _tcbInfoChain, _qeIdentity, _qeIdentityChain, _pckCrl, _pckCrlChain, _rootCaCrl];
        string[] given = [.. pieces.Where(p => parse.GetValue(p) is not null).Select(p => p.Name)];

        if (bundle is not null)
        {
            if (given.Length > 0)
            {
                throw new CliInputException($"--collateral cannot be combined with {string.Join(", ", given)}.");
            }

            byte[] bytes = await ReadAsync(bundle, cancellationToken).ConfigureAwait(false);
            return () => QuoteCollateral.FromDcapQvlJson(bytes);
        }

        if (given.Length == 0)
        {
            throw new CliInputException("Collateral is required: --collateral <bundle.json>, or all of --tcb-info, --tcb-info-chain, --qe-identity, --qe-identity-chain, --pck-crl, --pck-crl-chain and --root-ca-crl.");
        }

        string[] missing = [.. pieces.Where(p => parse.GetValue(p) is null).Select(p => p.Name)];
        if (missing.Length > 0)
        {
            throw new CliInputException($"Incomplete collateral: missing {string.Join(", ", missing)}.");
        }

        var responses = new PcsCollateralResponses
        {
            TcbInfoBody = await ReadAsync(parse.GetValue(_tcbInfo)!, cancellationToken).ConfigureAwait(false),
            TcbInfoIssuerChain = await ReadTextAsync(parse.GetValue(_tcbInfoChain)!, cancellationToken).ConfigureAwait(false),
            QeIdentityBody = await ReadAsync(parse.GetValue(_qeIdentity)!, cancellationToken).ConfigureAwait(false),
            QeIdentityIssuerChain = await ReadTextAsync(parse.GetValue(_qeIdentityChain)!, cancellationToken).ConfigureAwait(false),
            PckCrl = await ReadAsync(parse.GetValue(_pckCrl)!, cancellationToken).ConfigureAwait(false),
            PckCrlIssuerChain = await ReadTextAsync(parse.GetValue(_pckCrlChain)!, cancellationToken).ConfigureAwait(false),
            RootCaCrl = await ReadAsync(parse.GetValue(_rootCaCrl)!, cancellationToken).ConfigureAwait(false),
        };
        return () => QuoteCollateral.FromPcsResponses(responses);
    }

    private static Task<byte[]> ReadAsync(FileInfo file, CancellationToken cancellationToken) =>
        File.ReadAllBytesAsync(file.FullName, cancellationToken);

    private static Task<string> ReadTextAsync(FileInfo file, CancellationToken cancellationToken) =>
        File.ReadAllTextAsync(file.FullName, cancellationToken);
}

using System.Buffers.Binary;
using System.Collections.Immutable;
using BlindAI.Attestation.Collateral;
using BlindAI.Attestation.Pck;
using BlindAI.Attestation.Quotes;

namespace BlindAI.Attestation.Verification;

/// <summary>
/// Intel QVL's TCB rules: which TCB Info level a platform sits at, the TDX module's level, the quoting
/// enclave's level, and how their statuses converge.
/// </summary>
internal static class TcbEvaluator
{
    /// <summary>The outcome of one TCB lookup: a status and the advisories of the level that gave it.</summary>
    internal readonly record struct Outcome(TcbStatus Status, ImmutableArray<string> AdvisoryIds);

    /// <summary>
    /// Finds the first (newest) TCB level the platform meets: every SGX component SVN and the PCESVN of the PCK
    /// certificate at least the level's, and for TDX every TEE_TCB_SVN component at least the level's.
    /// Intel QVL skips TDX components 0 and 1 when TEE_TCB_SVN[1] &gt; 0: those are the module's SVN and
    /// version, judged by the TDX module identity instead.
    /// </summary>
    /// <exception cref="AttestationException">No level matches (<see cref="AttestationFailureReason.TcbLevelNotFound"/>).</exception>
    public static Outcome EvaluatePlatform(TcbInfo tcbInfo, PckTcb pckTcb, TdReportBody? tdReport)
    {
        ReadOnlySpan<byte> teeTcbSvn = tdReport is null ? default : tdReport.TeeTcbSvn.Span;
        bool skipModuleComponents = tdReport is not null && teeTcbSvn[1] > 0;

        Span<byte> sgxSvns = stackalloc byte[TcbLevel.ComponentCount];
        if (pckTcb.SgxTcbComponents.Count == TcbLevel.ComponentCount && (tdReport is null || teeTcbSvn.Length == TcbLevel.ComponentCount))
        {
            for (int i = 0; i < sgxSvns.Length; i++)
            {
                sgxSvns[i] = pckTcb.SgxTcbComponents[i];
            }

            foreach (TcbLevel level in tcbInfo.TcbLevels)
            {
                if (level.IsMetBySgx(sgxSvns, pckTcb.PceSvn)
                    && (tdReport is null || level.IsMetByTdx(teeTcbSvn, skipModuleComponents ? 2 : 0)))
                {
                    return new Outcome(level.TcbStatus, level.AdvisoryIds);
                }
            }
        }

        throw new AttestationException(
            AttestationFailureReason.TcbLevelNotFound,
            VerificationStep.TcbLevel,
            "The platform is below every TCB level of the TCB Info (Intel: TCB not supported).",
            expected: DescribeLowestLevel(tcbInfo, tdReport is not null),
            actual: DescribePlatform(pckTcb, tdReport));
    }

    /// <summary>
    /// Matches the TDX module against the TCB Info's module identity and returns the module's TCB outcome, or
    /// <see langword="null"/> for a module without a major version (TEE_TCB_SVN[1] = 0), whose TCB is in the platform components.
    /// Follows Intel QVL (QuoteVerifier.cpp, step 4.1.2.4.11): a module that reports a major version must have the
    /// identity <c>TDX_%02X</c> in <c>tdxModuleIdentities</c>, whose signer and attributes it must match.
    /// </summary>
    /// <exception cref="AttestationException">
    /// No identity for the module's version, including TCB Info without module identities, or another signer or attributes
    /// (<see cref="AttestationFailureReason.TdxModuleMismatch"/>); the module's ISVSVN is below every level of its identity
    /// (<see cref="AttestationFailureReason.TcbLevelNotFound"/>).
    /// </exception>
    public static Outcome? EvaluateTdxModule(TcbInfo tcbInfo, TdReportBody tdReport)
    {
        ReadOnlySpan<byte> teeTcbSvn = tdReport.TeeTcbSvn.Span;
        byte moduleVersion = teeTcbSvn[1];
        byte moduleSvn = teeTcbSvn[0];

        if (moduleVersion == 0)
        {
            // Older modules: only the signer and attributes of tdxModule are checked; their TCB is in the components.
            if (tcbInfo.TdxModule is { } module)
            {
                CheckModuleIdentity(module.MrSigner, module.Attributes, module.AttributesMask, tdReport, "tdxModule");
            }

            return null;
        }

        string id = $"TDX_{moduleVersion:X2}";
        if (tcbInfo.TdxModuleIdentities.IsDefaultOrEmpty)
        {
            // EvaluatePlatform left TEE_TCB_SVN[0] and [1] to the module identity; without one, nothing would judge the
            // module's ISVSVN and an out-of-date module would pass. Intel QVL fails here too (TCB_INFO_MISMATCH when the
            // member is absent, TDX_MODULE_MISMATCH when no identity matches the version); we report the module mismatch.
            throw new AttestationException(
                AttestationFailureReason.TdxModuleMismatch,
                VerificationStep.TcbLevel,
                $"The TDX module reports major version {moduleVersion} (TEE_TCB_SVN[1]) but the TCB Info has no tdxModuleIdentities, so the module's TCB cannot be judged (Intel: TDX module mismatch).",
                expected: $"tdxModuleIdentities with {id}",
                actual: "no tdxModuleIdentities");
        }

        TdxModuleIdentity identity = tcbInfo.FindTdxModuleIdentity(moduleVersion)
            ?? throw new AttestationException(
                AttestationFailureReason.TdxModuleMismatch,
                VerificationStep.TcbLevel,
                $"The TCB Info has no TDX module identity {id} (Intel: TDX module mismatch).",
                expected: string.Join(",", tcbInfo.TdxModuleIdentities.Select(m => m.Id)),
                actual: id);

        CheckModuleIdentity(identity.MrSigner, identity.Attributes, identity.AttributesMask, tdReport, identity.Id);
        EnclaveTcbLevel level = identity.FindTcbLevel(moduleSvn)
            ?? throw new AttestationException(
                AttestationFailureReason.TcbLevelNotFound,
                VerificationStep.TcbLevel,
                $"The TDX module {id} ISVSVN is below every level of its identity.",
                expected: $"isvsvn >= {identity.TcbLevels.Select(l => (int)l.IsvSvn).DefaultIfEmpty(0).Min()}",
                actual: $"isvsvn {moduleSvn}");

        return new Outcome(level.TcbStatus, level.AdvisoryIds);
    }

    /// <summary>The quoting enclave's TCB: the highest level whose ISVSVN is at most the QE's.</summary>
    /// <exception cref="AttestationException">The QE's ISVSVN is below every level.</exception>
    public static Outcome EvaluateQe(QeIdentity identity, ushort qeIsvSvn)
    {
        EnclaveTcbLevel level = identity.FindTcbLevel(qeIsvSvn)
            ?? throw new AttestationException(
                AttestationFailureReason.QeIdentityMismatch,
                VerificationStep.QeIdentity,
                "The quoting enclave's ISVSVN is below every TCB level of the QE Identity.",
                expected: $"isvsvn >= {identity.TcbLevels.Select(l => (int)l.IsvSvn).DefaultIfEmpty(0).Min()}",
                actual: $"isvsvn {qeIsvSvn}");
        return new Outcome(level.TcbStatus, level.AdvisoryIds);
    }

    /// <summary>
    /// Intel QVL's convergence of the platform status with a QE or TDX module status: an out-of-date enclave
    /// turns an up-to-date platform out of date and a configuration-needed one out-of-date-configuration-needed;
    /// a revoked one revokes everything.
    /// </summary>
    public static TcbStatus Converge(TcbStatus platform, TcbStatus other) => other switch
    {
        TcbStatus.Revoked => TcbStatus.Revoked,
        TcbStatus.OutOfDate or TcbStatus.OutOfDateConfigurationNeeded => platform switch
        {
            TcbStatus.UpToDate or TcbStatus.SWHardeningNeeded => TcbStatus.OutOfDate,
            TcbStatus.ConfigurationNeeded or TcbStatus.ConfigurationAndSWHardeningNeeded => TcbStatus.OutOfDateConfigurationNeeded,
            _ => platform,
        },
        _ => platform,
    };

    private static void CheckModuleIdentity(
        ImmutableArray<byte> mrSigner, ImmutableArray<byte> attributes, ImmutableArray<byte> mask, TdReportBody tdReport, string name)
    {
        // Intel QVL returns TDX_MODULE_MISMATCH for a signer or attributes mismatch (steps 4.1.2.4.11.1 and .2).
        if (!tdReport.MrSignerSeam.Equals(mrSigner.AsSpan()))
        {
            throw new AttestationException(
                AttestationFailureReason.TdxModuleMismatch,
                VerificationStep.TcbLevel,
                $"MRSIGNERSEAM differs from the signer of {name} (Intel: TDX module mismatch).",
                expected: Convert.ToHexStringLower(mrSigner.AsSpan()),
                actual: tdReport.MrSignerSeam.ToString());
        }

        Span<byte> seamAttributes = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(seamAttributes, tdReport.SeamAttributes);
        if (attributes.Length != seamAttributes.Length || mask.Length != seamAttributes.Length)
        {
            throw new AttestationException(
                AttestationFailureReason.CollateralMismatch,
                VerificationStep.TcbLevel,
                $"The attributes of {name} are not 8 bytes.",
                expected: "8 bytes",
                actual: $"{attributes.Length} and {mask.Length} bytes");
        }

        for (int i = 0; i < seamAttributes.Length; i++)
        {
            if ((seamAttributes[i] & mask[i]) != attributes[i])
            {
                throw new AttestationException(
                    AttestationFailureReason.TdxModuleMismatch,
                    VerificationStep.TcbLevel,
                    $"SEAMATTRIBUTES under the mask of {name} differ from its attributes (Intel: TDX module mismatch).",
                    expected: Convert.ToHexStringLower(attributes.AsSpan()),
                    actual: Convert.ToHexStringLower(seamAttributes));
            }
        }
    }

    private static string DescribeLowestLevel(TcbInfo tcbInfo, bool tdx)
    {
        if (tcbInfo.TcbLevels.IsDefaultOrEmpty)
        {
            return "a TCB level (the TCB Info has none)";
        }

        TcbLevel lowest = tcbInfo.TcbLevels[^1];
        string sgx = $"sgx >= [{string.Join(",", lowest.SgxComponents.Select(c => c.Svn))}], pcesvn >= {lowest.PceSvn}";
        return tdx ? $"{sgx}, tdx >= [{string.Join(",", lowest.TdxComponents.Select(c => c.Svn))}]" : sgx;
    }

    private static string DescribePlatform(PckTcb pckTcb, TdReportBody? tdReport)
    {
        string sgx = $"sgx [{string.Join(",", pckTcb.SgxTcbComponents)}], pcesvn {pckTcb.PceSvn}";
        return tdReport is null ? sgx : $"{sgx}, tdx [{string.Join(",", tdReport.TeeTcbSvn.Span.ToArray())}]";
    }
}

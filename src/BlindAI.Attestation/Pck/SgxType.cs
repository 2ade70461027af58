namespace BlindAI.Attestation.Pck;

/// <summary>The SGX type a PCK certificate states (OID 1.2.840.113741.1.13.1.5).</summary>
internal enum SgxType
{
    /// <summary>Standard SGX (client and older server parts).</summary>
    Standard = 0,

    /// <summary>Scalable SGX (Xeon Scalable 3rd generation and later).</summary>
    Scalable = 1,

    /// <summary>Scalable SGX with memory integrity.</summary>
    ScalableWithIntegrity = 2,
}

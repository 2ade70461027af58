namespace BlindAI.Enclave.Quoting;

/// <summary>Reads a quote pseudo-file to its end with a size limit.</summary>
internal static class QuoteFiles
{
    public static byte[] ReadToEnd(Stream stream, string name)
    {
        using var buffer = new MemoryStream();
        Span<byte> chunk = stackalloc byte[4096];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > QuoteConstants.MaxQuoteLength)
            {
                throw new EvidenceException(EnclaveErrorReason.InvalidQuote, $"{name} is larger than {QuoteConstants.MaxQuoteLength} bytes.");
            }

            buffer.Write(chunk[..read]);
        }

        if (buffer.Length == 0)
        {
            throw new EvidenceException(EnclaveErrorReason.InvalidQuote, $"{name} is empty: the platform produced no quote.");
        }

        return buffer.ToArray();
    }
}

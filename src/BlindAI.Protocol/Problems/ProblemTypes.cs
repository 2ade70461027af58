using System.Diagnostics.CodeAnalysis;

namespace BlindAI.Protocol.Problems;

/// <summary>The registry of <see cref="ProblemCode"/>s: names, type URIs, default statuses and titles.</summary>
internal static class ProblemTypes
{
    /// <summary>The prefix of every BlindAI problem type URI.</summary>
    public const string UriPrefix = "urn:blindai:problem:";

    private static readonly (ProblemCode Code, string Name, int Status, string Title)[] Entries =
    [
        (ProblemCode.BadRequest, "bad-request", 400, "Bad request"),
        (ProblemCode.MalformedCbor, "malformed-cbor", 400, "Malformed CBOR message"),
        (ProblemCode.PayloadTooLarge, "payload-too-large", 413, "Payload too large"),
        (ProblemCode.UnsupportedMediaType, "unsupported-media-type", 415, "Unsupported media type"),
        (ProblemCode.NotFound, "not-found", 404, "Not found"),
        (ProblemCode.UnknownModel, "unknown-model", 404, "Unknown model"),
        (ProblemCode.InvalidInput, "invalid-input", 422, "Invalid model input"),
        (ProblemCode.TensorShapeMismatch, "tensor-shape-mismatch", 422, "Tensor shape mismatch"),
        (ProblemCode.InvalidModel, "invalid-model", 422, "Invalid model"),
        (ProblemCode.Busy, "busy", 503, "Server busy"),
        (ProblemCode.Unauthorized, "unauthorized", 401, "Unauthorized"),
        (ProblemCode.Forbidden, "forbidden", 403, "Forbidden"),
        (ProblemCode.AttestationUnavailable, "attestation-unavailable", 503, "Attestation unavailable"),
        (ProblemCode.RequestTimeout, "request-timeout", 408, "Request timeout"),
        (ProblemCode.Internal, "internal", 500, "Internal server error"),
    ];

    /// <summary>Every defined code.</summary>
    public static IReadOnlyList<ProblemCode> All { get; } = [.. Entries.Select(e => e.Code)];

    /// <summary>The code's name, as sent in the <c>code</c> member, for example <c>unknown-model</c>.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not defined.</exception>
    public static string GetName(ProblemCode code) => Find(code).Name;

    /// <summary>The code's type URI, for example <c>urn:blindai:problem:unknown-model</c>.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The URI.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not defined.</exception>
    public static string GetTypeUri(ProblemCode code) => UriPrefix + Find(code).Name;

    /// <summary>The HTTP status a server answers with for this code.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The status.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not defined.</exception>
    public static int GetStatus(ProblemCode code) => Find(code).Status;

    /// <summary>The short, fixed title for this code (RFC 9457: it does not change between occurrences).</summary>
    /// <param name="code">The code.</param>
    /// <returns>The title.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not defined.</exception>
    public static string GetTitle(ProblemCode code) => Find(code).Title;

    /// <summary>Looks up a code by name (case-sensitive).</summary>
    /// <param name="name">The name, for example <c>busy</c>.</param>
    /// <param name="code">The code when found.</param>
    /// <returns><see langword="true"/> when the name is defined.</returns>
    public static bool TryParseName([NotNullWhen(true)] string? name, out ProblemCode code)
    {
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Name, name, StringComparison.Ordinal))
            {
                code = entry.Code;
                return true;
            }
        }

        code = default;
        return false;
    }

    /// <summary>Looks up a code by type URI.</summary>
    /// <param name="typeUri">The URI, for example <c>urn:blindai:problem:busy</c>.</param>
    /// <param name="code">The code when found.</param>
    /// <returns><see langword="true"/> when the URI is a defined BlindAI problem type.</returns>
    public static bool TryParseTypeUri([NotNullWhen(true)] string? typeUri, out ProblemCode code)
    {
        code = default;
        return typeUri is not null
            && typeUri.StartsWith(UriPrefix, StringComparison.Ordinal)
            && TryParseName(typeUri[UriPrefix.Length..], out code);
    }

    /// <summary>The problem a server reports for a rejected message.</summary>
    /// <param name="reason">The decoding failure.</param>
    /// <returns>The code.</returns>
    public static ProblemCode FromProtocolError(ProtocolErrorReason reason) => reason switch
    {
        ProtocolErrorReason.MessageTooLarge or ProtocolErrorReason.ModelTooLarge or ProtocolErrorReason.TensorTooLarge
            or ProtocolErrorReason.TextTooLong or ProtocolErrorReason.TooManyTensors => ProblemCode.PayloadTooLarge,
        ProtocolErrorReason.ShapeMismatch => ProblemCode.TensorShapeMismatch,
        ProtocolErrorReason.UnknownDatumType or ProtocolErrorReason.RankTooLarge => ProblemCode.InvalidInput,
        ProtocolErrorReason.InvalidModelReference or ProtocolErrorReason.EmptyModel or ProtocolErrorReason.ModelLengthMismatch
            or ProtocolErrorReason.InvalidValue => ProblemCode.BadRequest,
        _ => ProblemCode.MalformedCbor,
    };

    /// <summary>The kebab-case name of a decoding failure, sent in the <c>reason</c> member.</summary>
    /// <param name="reason">The failure.</param>
    /// <returns>For example <c>shape-mismatch</c>.</returns>
    public static string GetReasonName(ProtocolErrorReason reason)
    {
        string name = reason.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    private static (ProblemCode Code, string Name, int Status, string Title) Find(ProblemCode code)
    {
        foreach (var entry in Entries)
        {
            if (entry.Code == code)
            {
                return entry;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(code), code, "Unknown problem code.");
    }
}

namespace BlindAI.Protocol.Problems;

/// <summary>
/// The errors a BlindAI server reports. Each has a stable type URI <c>urn:blindai:problem:&lt;name&gt;</c>, a default
/// HTTP status and title (see <see cref="ProblemDetails.Create"/>). Append new codes at the end; never renumber or rename.
/// </summary>
public enum ProblemCode
{
    /// <summary><c>bad-request</c> (400): the request is well-formed CBOR but makes no sense (for example neither model id nor hash).</summary>
    BadRequest = 1,

    /// <summary><c>malformed-cbor</c> (400): the body is not a valid message.</summary>
    MalformedCbor,

    /// <summary><c>payload-too-large</c> (413): the body, a model or the tensors exceed a limit.</summary>
    PayloadTooLarge,

    /// <summary><c>unsupported-media-type</c> (415): the request body is not <c>application/cbor</c>.</summary>
    UnsupportedMediaType,

    /// <summary><c>not-found</c> (404): no such route.</summary>
    NotFound,

    /// <summary><c>unknown-model</c> (404): no model has this id or hash.</summary>
    UnknownModel,

    /// <summary><c>invalid-input</c> (422): the inputs do not fit the model (missing, extra, wrong element type or rank).</summary>
    InvalidInput,

    /// <summary><c>tensor-shape-mismatch</c> (422): a tensor's data does not match its shape, or its shape does not match the model.</summary>
    TensorShapeMismatch,

    /// <summary><c>invalid-model</c> (422): the uploaded bytes are not a model the engine can load.</summary>
    InvalidModel,

    /// <summary><c>busy</c> (503): the server is at its concurrency limit; retry after the <c>Retry-After</c> delay.</summary>
    Busy,

    /// <summary><c>unauthorized</c> (401): model management needs a valid bearer token.</summary>
    Unauthorized,

    /// <summary><c>forbidden</c> (403): the caller may not do this (for example management from a non-loopback address).</summary>
    Forbidden,

    /// <summary><c>attestation-unavailable</c> (503): the server cannot produce evidence (no quote provider, collateral unavailable).</summary>
    AttestationUnavailable,

    /// <summary><c>request-timeout</c> (408): the request took longer than the server allows.</summary>
    RequestTimeout,

    /// <summary><c>internal</c> (500): an unexpected server error; details are in the server log, never in the response.</summary>
    Internal,
}

namespace BlindAI.Protocol.Cbor;

/// <summary>An open array while decoding: its declared length (<see langword="null"/> when indefinite) and the reader generation it was opened in.</summary>
internal readonly record struct ArrayScope(int? Count, int Generation);

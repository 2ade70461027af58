using System.Globalization;
using System.Text;

namespace BlindAI.Attestation.Tests.Quotes;

/// <summary>
/// Reads an insta snapshot holding Rust <c>{:#?}</c> Debug text (structs, tuple variants, arrays, integers,
/// strings) into a tree, so tests compare against the snapshot file itself rather than values copied from it.
/// </summary>
internal static class RustDebugSnapshot
{
    internal abstract record Node;

    internal sealed record StructNode(string Name, IReadOnlyList<KeyValuePair<string, Node>> Fields) : Node
    {
        public Node this[string field] => Fields.Single(f => f.Key == field).Value;
    }

    internal sealed record TupleNode(string Name, IReadOnlyList<Node> Items) : Node;

    internal sealed record ArrayNode(IReadOnlyList<Node> Items) : Node
    {
        public byte[] ToBytes() => Items.Select(i => checked((byte)((NumberNode)i).Value)).ToArray();
    }

    internal sealed record NumberNode(ulong Value) : Node;

    internal sealed record StringNode(string Value) : Node;

    internal sealed record UnitNode(string Name) : Node;

    public static Node Load(string path)
    {
        string text = File.ReadAllText(path);
        // The insta header is the block between the first two "---" lines.
        int first = text.IndexOf("---\n", StringComparison.Ordinal);
        int second = text.IndexOf("\n---\n", first + 4, StringComparison.Ordinal);
        var parser = new Parser(text, second + 5);
        Node root = parser.ParseValue();
        parser.SkipWhitespace();
        if (!parser.AtEnd)
        {
            throw new FormatException($"Unexpected text after the snapshot value at {parser.Position}.");
        }

        return root;
    }

    private sealed class Parser(string text, int position)
    {
        private int _pos = position;

        public int Position => _pos;

        public bool AtEnd => _pos >= text.Length;

        public void SkipWhitespace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        public Node ParseValue()
        {
            SkipWhitespace();
            char c = text[_pos];
            if (c == '[')
            {
                _pos++;
                return new ArrayNode(ParseList(']'));
            }

            if (c == '"')
            {
                return new StringNode(ParseString());
            }

            if (char.IsAsciiDigit(c))
            {
                int start = _pos;
                while (char.IsAsciiDigit(text[_pos]))
                {
                    _pos++;
                }

                return new NumberNode(ulong.Parse(text.AsSpan(start, _pos - start), CultureInfo.InvariantCulture));
            }

            string name = ParseIdentifier();
            SkipWhitespace();
            if (_pos < text.Length && text[_pos] == '{')
            {
                _pos++;
                var fields = new List<KeyValuePair<string, Node>>();
                while (true)
                {
                    SkipWhitespace();
                    if (text[_pos] == '}')
                    {
                        _pos++;
                        return new StructNode(name, fields);
                    }

                    string field = ParseIdentifier();
                    Expect(':');
                    fields.Add(new(field, ParseValue()));
                    SkipComma();
                }
            }

            if (_pos < text.Length && text[_pos] == '(')
            {
                _pos++;
                return new TupleNode(name, ParseList(')'));
            }

            return new UnitNode(name);
        }

        private List<Node> ParseList(char close)
        {
            var items = new List<Node>();
            while (true)
            {
                SkipWhitespace();
                if (text[_pos] == close)
                {
                    _pos++;
                    return items;
                }

                items.Add(ParseValue());
                SkipComma();
            }
        }

        private string ParseIdentifier()
        {
            SkipWhitespace();
            int start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_'))
            {
                _pos++;
            }

            // Generic arguments, as in PhantomData<u16>.
            if (_pos < text.Length && text[_pos] == '<')
            {
                _pos = text.IndexOf('>', _pos) + 1;
            }

            return start == _pos ? throw new FormatException($"Identifier expected at {start}.") : text[start.._pos];
        }

        private string ParseString()
        {
            var sb = new StringBuilder();
            _pos++;
            while (text[_pos] != '"')
            {
                char c = text[_pos++];
                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }

                char e = text[_pos++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case '0': sb.Append('\0'); break;
                    case '\\': sb.Append('\\'); break;
                    case '"': sb.Append('"'); break;
                    case '\'': sb.Append('\''); break;
                    case 'u':
                        int close = text.IndexOf('}', _pos);
                        int scalar = int.Parse(text.AsSpan(_pos + 1, close - _pos - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                        sb.Append(char.ConvertFromUtf32(scalar));
                        _pos = close + 1;
                        break;
                    default: throw new FormatException($"Unknown escape \\{e} at {_pos}.");
                }
            }

            _pos++;
            return sb.ToString();
        }

        private void Expect(char c)
        {
            SkipWhitespace();
            if (text[_pos] != c)
            {
                throw new FormatException($"'{c}' expected at {_pos}, found '{text[_pos]}'.");
            }

            _pos++;
        }

        private void SkipComma()
        {
            SkipWhitespace();
            if (_pos < text.Length && text[_pos] == ',')
            {
                _pos++;
            }
        }
    }
}

using System.Text;
using System.Text.RegularExpressions;

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>
/// Renders the small Jinja2 subset that the Gramine manifest template is allowed to use, with the
/// semantics <c>gramine-manifest</c> gives it (Jinja2 with StrictUndefined, no autoescape, no
/// trim_blocks, trailing newline kept). CI machines have no Gramine and no Python Jinja2, so the
/// tests render with this instead; anything outside the subset is an error, which keeps the
/// template simple enough for this renderer to be a faithful stand-in.
/// </summary>
/// <remarks>
/// Supported:
/// <list type="bullet">
/// <item><c>{{ name }}</c> and <c>{{ dotted.name() }}</c>: looked up by their exact text; unknown names throw (StrictUndefined).</item>
/// <item><c>{{ 'a' if name == 'b' else 'c' }}</c>.</item>
/// <item><c>{% if name %}</c> … <c>{% endif %}</c>, not nested: true when the value is a non-empty string (Jinja truthiness).</item>
/// </list>
/// </remarks>
internal static partial class JinjaSubsetRenderer
{
    public static string Render(string template, IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(variables);

        var output = new StringBuilder(template.Length);
        var position = 0;
        var insideIf = false;
        var ifIsTrue = true;
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            if (open < 0 || open + 1 >= template.Length)
            {
                AppendText(output, template.AsSpan(position), insideIf, ifIsTrue);
                break;
            }

            var kind = template[open + 1];
            if (kind is not ('{' or '%' or '#'))
            {
                AppendText(output, template.AsSpan(position, open + 1 - position), insideIf, ifIsTrue);
                position = open + 1;
                continue;
            }

            AppendText(output, template.AsSpan(position, open - position), insideIf, ifIsTrue);
            var closeMarker = kind == '{' ? "}}" : kind + "}";
            var close = template.IndexOf(closeMarker, open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new TemplateException($"Unclosed '{{{kind}' at {LineOf(template, open)}.");
            }

            var body = template[(open + 2)..close].Trim();
            var where = LineOf(template, open);
            position = close + 2;

            switch (kind)
            {
                case '#':
                    throw new TemplateException($"Jinja comments are outside the supported subset ({where}); use a TOML '#' comment.");
                case '{':
                    if (!insideIf || ifIsTrue)
                    {
                        output.Append(Evaluate(body, variables, where));
                    }

                    break;
                default:
                    var statement = IfStatement().Match(body);
                    if (statement.Success)
                    {
                        if (insideIf)
                        {
                            throw new TemplateException($"Nested '{{% if %}}' is outside the supported subset ({where}).");
                        }

                        insideIf = true;
                        ifIsTrue = Lookup(statement.Groups["name"].Value, variables, where).Length > 0;
                    }
                    else if (body == "endif")
                    {
                        if (!insideIf)
                        {
                            throw new TemplateException($"'{{% endif %}}' without '{{% if %}}' ({where}).");
                        }

                        insideIf = false;
                    }
                    else
                    {
                        throw new TemplateException($"Statement '{{% {body} %}}' is outside the supported subset ({where}).");
                    }

                    break;
            }
        }

        if (insideIf)
        {
            throw new TemplateException("'{% if %}' is never closed by '{% endif %}'.");
        }

        return output.ToString();
    }

    private static void AppendText(StringBuilder output, ReadOnlySpan<char> text, bool insideIf, bool ifIsTrue)
    {
        if (!insideIf || ifIsTrue)
        {
            output.Append(text);
        }
    }

    private static string Evaluate(string expression, IReadOnlyDictionary<string, string> variables, string where)
    {
        var conditional = ConditionalExpression().Match(expression);
        if (conditional.Success)
        {
            var actual = Lookup(conditional.Groups["name"].Value, variables, where);
            return actual == conditional.Groups["compare"].Value
                ? conditional.Groups["then"].Value
                : conditional.Groups["else"].Value;
        }

        if (NameExpression().IsMatch(expression))
        {
            return Lookup(expression, variables, where);
        }

        throw new TemplateException($"Expression '{{{{ {expression} }}}}' is outside the supported subset ({where}).");
    }

    private static string Lookup(string name, IReadOnlyDictionary<string, string> variables, string where) =>
        variables.TryGetValue(name, out var value)
            ? value
            : throw new TemplateException($"'{name}' is undefined ({where}); gramine-manifest renders with StrictUndefined, so it would fail too.");

    private static string LineOf(string template, int index) =>
        $"line {template.AsSpan(0, index).Count('\n') + 1}";

    [GeneratedRegex(@"^if\s+(?<name>[A-Za-z_]\w*)$")]
    private static partial Regex IfStatement();

    [GeneratedRegex(@"^'(?<then>[^']*)'\s+if\s+(?<name>[A-Za-z_]\w*)\s*==\s*'(?<compare>[^']*)'\s+else\s+'(?<else>[^']*)'$")]
    private static partial Regex ConditionalExpression();

    [GeneratedRegex(@"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*(\(\))?$")]
    private static partial Regex NameExpression();
}

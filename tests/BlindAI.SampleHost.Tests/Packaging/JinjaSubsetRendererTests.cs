namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>The test-side stand-in for gramine-manifest's Jinja2 must fail where Jinja2 would, and on anything outside its subset.</summary>
public sealed class JinjaSubsetRendererTests
{
    private static readonly Dictionary<string, string> Variables = new(StringComparer.Ordinal)
    {
        ["port"] = "9923",
        ["empty"] = "",
        ["debug"] = "1",
        ["gramine.runtimedir()"] = "/runtime",
    };

    [Theory]
    [InlineData("a = \"{{ port }}\"\n", "a = \"9923\"\n")]
    [InlineData("uri = \"file:{{ gramine.runtimedir() }}/\"", "uri = \"file:/runtime/\"")]
    [InlineData("d = {{ 'true' if debug == '1' else 'false' }}", "d = true")]
    [InlineData("d = {{ 'true' if port == '1' else 'false' }}", "d = false")]
    [InlineData("x = [\n{% if port %}\n  \"{{ port }}\",\n{% endif %}\n]", "x = [\n\n  \"9923\",\n\n]")]
    [InlineData("x = [\n{% if empty %}\n  \"{{ undefined_is_not_evaluated_when_false }}\",\n{% endif %}\n]", "x = [\n\n]")]
    [InlineData("no tags { } here", "no tags { } here")]
    public void Renders_the_subset_like_Jinja2(string template, string expected)
    {
        Assert.Equal(expected, JinjaSubsetRenderer.Render(template, Variables));
    }

    [Theory]
    [InlineData("{{ missing }}", "undefined")]
    [InlineData("{% if missing %}x{% endif %}", "undefined")]
    [InlineData("{{ port | upper }}", "outside the supported subset")]
    [InlineData("{% for p in ports %}{% endfor %}", "outside the supported subset")]
    [InlineData("{% if port %}{% if debug %}{% endif %}{% endif %}", "Nested")]
    [InlineData("{% if port %}x{% else %}y{% endif %}", "outside the supported subset")]
    [InlineData("{% if port %}x", "never closed")]
    [InlineData("{% endif %}", "without")]
    [InlineData("{# comment #}", "comments")]
    [InlineData("{{ port ", "Unclosed")]
    public void Refuses_what_it_cannot_render_faithfully(string template, string message)
    {
        var exception = Assert.Throws<TemplateException>(() => JinjaSubsetRenderer.Render(template, Variables));
        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
    }
}

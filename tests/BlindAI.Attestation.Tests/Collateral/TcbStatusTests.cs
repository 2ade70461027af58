using BlindAI.Attestation.Collateral;

namespace BlindAI.Attestation.Tests.Collateral;

public sealed class TcbStatusTests
{
    [Fact]
    public void Members_are_declared_in_severity_order()
    {
        TcbStatus[] expected =
        [
            TcbStatus.UpToDate, TcbStatus.SWHardeningNeeded, TcbStatus.ConfigurationNeeded,
            TcbStatus.ConfigurationAndSWHardeningNeeded, TcbStatus.OutOfDate,
            TcbStatus.OutOfDateConfigurationNeeded, TcbStatus.Revoked,
        ];
        Assert.Equal(expected, Enum.GetValues<TcbStatus>().OrderBy(s => (int)s));
        Assert.True(TcbStatus.Revoked > TcbStatus.OutOfDate);
    }

    [Theory]
    [InlineData("UpToDate", TcbStatus.UpToDate)]
    [InlineData("SWHardeningNeeded", TcbStatus.SWHardeningNeeded)]
    [InlineData("ConfigurationNeeded", TcbStatus.ConfigurationNeeded)]
    [InlineData("ConfigurationAndSWHardeningNeeded", TcbStatus.ConfigurationAndSWHardeningNeeded)]
    [InlineData("OutOfDate", TcbStatus.OutOfDate)]
    [InlineData("OutOfDateConfigurationNeeded", TcbStatus.OutOfDateConfigurationNeeded)]
    [InlineData("Revoked", TcbStatus.Revoked)]
    public void Intel_names_round_trip(string name, TcbStatus status)
    {
        Assert.Equal(status, TcbStatusNames.Parse(name));
        Assert.Equal(name, status.ToIntelName());
    }

    [Theory]
    [InlineData("uptodate")]
    [InlineData("UpToDate ")]
    [InlineData("")]
    [InlineData("TDRelaunchAdvised")]
    public void Unknown_strings_are_typed_format_errors(string name)
    {
        var error = Assert.Throws<AttestationFormatException>(() => TcbStatusNames.Parse(name));
        Assert.Equal(AttestationFormatErrorReason.InvalidField, error.Reason);
        Assert.False(TcbStatusNames.TryParse(name, out _));
    }
}

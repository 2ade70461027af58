using BlindAI.Testing;

namespace BlindAI.Security.Tests;

/// <summary>
/// The collection whose tests share one <see cref="HostFixture"/> (two simulated hosts). xUnit finds collection
/// definitions only in the test assembly itself, so each test project that uses the fixture declares this.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "simulated hosts";
}

namespace BlindAI.SampleHost.Tests.Packaging;

/// <summary>The tests that share one real publish of the host (see <see cref="PublishedHostFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class PublishedHostCollection : ICollectionFixture<PublishedHostFixture>
{
    public const string Name = "Published sample host";
}

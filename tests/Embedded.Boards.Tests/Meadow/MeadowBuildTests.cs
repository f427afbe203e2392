using System;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Boards.Tests.Meadow;

/// <summary>
/// What the Meadow F7 app loads on Meadow's Mono: the netstandard2.1 builds of the runtime, the board drivers and the
/// image decoders. Each must reference netstandard (which Mono implements whole) and our own assemblies only — no
/// package, no net10.0-only API; the SIMD paths are compiled out of these builds.
/// </summary>
[TestClass]
public sealed class MeadowBuildTests
{
    private static readonly string[] Ours = { "Embedded.Runtime", "Embedded.Boards", "Embedded.Imaging" };

    [TestMethod]
    [DataRow("runtime/Embedded.Runtime", "Embedded.Runtime")]
    [DataRow("boards/Embedded.Boards", "Embedded.Boards")]
    [DataRow("boards/Embedded.Imaging", "Embedded.Imaging")]
    public void NetStandard21Build_ReferencesOnlyNetStandardAndOurs(string project, string assembly)
    {
        string path = Path.Combine(Embedded.Converter.Tests.Support.SharedFixtures.Repository, project, "bin", Configuration(), "netstandard2.1", assembly + ".dll");
        Assert.IsTrue(File.Exists(path), $"{path} is missing: the solution build makes it (the project targets net10.0;netstandard2.1)");
        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        var references = md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToArray();
        CollectionAssert.Contains(references, "netstandard");
        var others = references.Where(r => r != "netstandard" && !Ours.Contains(r)).ToArray();
        Assert.IsEmpty(others, $"{assembly} (netstandard2.1) references {string.Join(", ", others)}");
    }

    /// <summary>Release or Debug: the configuration this test assembly was built in (…/bin/CONFIG/net10.0/).</summary>
    private static string Configuration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
}

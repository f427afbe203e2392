using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Nano.Tests;

/// <summary>What the device will load: the nano assembly references nanoFramework's mscorlib and nothing else.</summary>
[TestClass]
public sealed class NanoAssemblyTests
{
    [TestMethod]
    public void ReferencesOnlyNanoFrameworksMscorlib()
    {
        string path = Path.Combine(System.AppContext.BaseDirectory, "Embedded.Firmware.Nano.dll");
        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        var references = md.AssemblyReferences.Select(h => md.GetAssemblyReference(h)).ToArray();
        Assert.HasCount(1, references, string.Join(", ", references.Select(a => md.GetString(a.Name))));
        var mscorlib = references[0];
        Assert.AreEqual("mscorlib", md.GetString(mscorlib.Name));
        // nanoFramework.CoreLibrary 1.17.11: version 1.17.x, its own public key token (not the desktop's b77a5c561934e089).
        Assert.AreEqual(1, mscorlib.Version.Major);
        Assert.AreEqual(17, mscorlib.Version.Minor);
        var token = md.GetBlobBytes(mscorlib.PublicKeyOrToken);
        Assert.AreEqual("c07d481e9758c731", string.Concat(token.Select(b => b.ToString("x2"))));
        Assert.IsFalse(File.Exists(Path.Combine(System.AppContext.BaseDirectory, "mscorlib.dll")) &&
            new FileInfo(Path.Combine(System.AppContext.BaseDirectory, "mscorlib.dll")).Length > 100_000,
            "nanoFramework's mscorlib must not be copied beside a CoreCLR test (it would shadow the runtime's facade)");
    }
}

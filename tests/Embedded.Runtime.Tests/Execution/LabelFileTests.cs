using System;
using System.IO;
using Embedded.Runtime.Execution;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Execution;

[TestClass]
public sealed class LabelFileTests
{
    [TestMethod]
    public void Read_DropsTrailingEmptyLines_AndChecksTheCount()
    {
        string dir = Directory.CreateTempSubdirectory("labels-").FullName;
        try
        {
            string path = Path.Combine(dir, "labels.txt");
            File.WriteAllText(path, "background\ncat\n\ndog\n\n\n");
            CollectionAssert.AreEqual(new[] { "background", "cat", "", "dog" }, LabelFile.Read(path));
            CollectionAssert.AreEqual(new[] { "background", "cat", "", "dog" }, LabelFile.Read(path, 4));
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => LabelFile.Read(path, 1001)).Message, "has 4 lines; the model has 1001 classes");
            File.WriteAllText(path, "\n\n");
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => LabelFile.Read(path)).Message, "is empty");
            using (var big = File.Create(path)) big.SetLength(LabelFile.MaxBytes + 1);
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => LabelFile.Read(path)).Message, "expected one short line per class");
            Assert.ThrowsExactly<FileNotFoundException>(() => LabelFile.Read(Path.Combine(dir, "missing.txt")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

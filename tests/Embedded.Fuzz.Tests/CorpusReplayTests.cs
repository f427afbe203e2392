using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Embedded.Fuzz.Targets;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Fuzz.Tests;

/// <summary>
/// CI replays what the fuzzers found, without fuzzing: every file in fuzz/corpus/TARGET (the seeds and the inputs AFL++
/// kept for new coverage) and fuzz/regressions/TARGET (inputs that once crashed) must run through its target with at
/// most a typed refusal.
/// </summary>
[TestClass]
public sealed class CorpusReplayTests
{
    private static string FuzzDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Embedded.sln"))) return Path.Combine(dir.FullName, "fuzz");
        throw new InvalidOperationException("repository root (Embedded.sln) not found above " + AppContext.BaseDirectory);
    }

    public static IEnumerable<object[]> Targets => FuzzTargets.All.Select(t => new object[] { t.Name });

    [TestMethod]
    [DynamicData(nameof(Targets))]
    public void EveryCorpusAndRegressionInput_EndsInAtMostATypedRefusal(string name)
    {
        var target = FuzzTargets.Find(name);
        var corpus = Path.Combine(FuzzDirectory(), "corpus", name);
        Assert.IsTrue(Directory.Exists(corpus) && Directory.EnumerateFiles(corpus).Any(), $"fuzz/corpus/{name} has no seeds (fuzz/make-seeds.sh)");
        var files = Directory.GetFiles(corpus).ToList();
        var regressions = Path.Combine(FuzzDirectory(), "regressions", name);
        if (Directory.Exists(regressions)) files.AddRange(Directory.GetFiles(regressions));
        var failures = new List<string>();
        foreach (var file in files.OrderBy(f => f, StringComparer.Ordinal))
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failures.Add($"{Path.GetRelativePath(FuzzDirectory(), file)}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.IsEmpty(failures, string.Join("\n", failures));
    }

    [TestMethod]
    public void ARefusal_IsSwallowed_AndAnythingElse_IsACrash()
    {
        var emb = FuzzTargets.Find("emb");
        emb.Run(new byte[] { 1, 2, 3 });
        Assert.IsTrue(emb.IsRefusal(new Embedded.Runtime.Format.ModelFormatException("header", "bad", 0)));
        Assert.IsFalse(emb.IsRefusal(new IndexOutOfRangeException()));
        Assert.IsFalse(FuzzTargets.Find("jpeg").IsRefusal(new OverflowException()));
        Assert.ThrowsExactly<ArgumentException>(() => FuzzTargets.Find("gif"));
    }
}

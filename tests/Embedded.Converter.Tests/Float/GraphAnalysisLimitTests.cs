using System.IO;
using Embedded.Converter.Graph;
using Embedded.Converter.Tests.Support;
using Embedded.Converter.Tflite;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Float;

/// <summary>
/// Constant folding makes tensors from shapes and attributes, not from the file's bytes: the fuzzer's float TFLite files
/// whose few bytes asked for a fold of hundreds of megabytes, or a shape beyond 2^31 elements, are refused as graph errors.
/// </summary>
[TestClass]
public sealed class GraphAnalysisLimitTests
{
    [TestMethod]
    [DataRow("float-fold-makes-a-huge-constant.tflite", "more than 33,554,432 elements")]
    [DataRow("float-pad-shape-too-many-elements.tflite", "folding it would make a constant of shape [194905,7864322]")]
    public void FoldsBeyondTheLimit_AreGraphErrors(string file, string words)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(SharedFixtures.Repository, "fuzz", "regressions", "tflite", file));
        var e = Assert.Throws<GraphException>(() => TfliteFloatImporter.Load(TfliteModel.Parse(bytes, file), file));
        StringAssert.Contains(e.Message, words);
    }
}

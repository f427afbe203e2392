using System;
using System.Linq;
using System.Threading.Tasks;
using Embedded.Runtime.Building;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Embedded.Runtime.Planning;
using Embedded.Runtime.Tests.Support;
using Embedded.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Execution;

[TestClass]
public sealed class InterpreterTests
{
    [TestMethod]
    public void MobileNetV3SmallShapedModel_LoadsRunsAndIsDeterministic()
    {
        var model = EmbeddedModel.Load(Models.MobileNetV3SmallFile);
        var definition = model.Definition;

        // Real layer sizes; with the segmentation and detection tails (layout, resize, argmax, post-processing) and the
        // 16-bit table, every operator of the format.
        Assert.AreEqual(224, model.Inputs[0].Shape[1]);
        Assert.AreEqual(1001, model.Outputs[0].Shape[1]);
        var codes = definition.Operators.Concat(Models.TinySegmentation().Operators).Concat(Models.TinyDetection().Operators).Concat(Models.TinyWide().Operators).Select(o => o.Code).Distinct().ToHashSet();
        foreach (OperatorCode code in Enum.GetValues(typeof(OperatorCode)))
            Assert.IsTrue(codes.Contains(code), $"the model lacks {code}");
        Assert.IsTrue(definition.Tensors.Any(t => t.Type == ElementType.Int16 && !t.IsConstant), "no int16 activation");
        Assert.IsTrue(definition.Tensors.Any(t => !t.IsConstant && t.Quantization?.IsPerAxis == true), "no per-channel activation");

        // The arena is exactly what the planner computes from the tensor lifetimes.
        var replanned = Replan(definition);
        Assert.AreEqual(replanned, model.ArenaBytes);
        var interpreter = model.CreateInterpreter();
        Assert.AreEqual(model.ArenaBytes, interpreter.ArenaBytes);

        Models.FillInput(interpreter, 1);
        interpreter.Invoke();
        byte[] first = interpreter.Output(0).Bytes.ToArray();
        float[] logits = interpreter.Output(1).AsSpan<float>().ToArray();
        Models.FillInput(interpreter, 1);
        interpreter.Invoke();
        CollectionAssert.AreEqual(first, interpreter.Output(0).Bytes.ToArray());
        CollectionAssert.AreEqual(logits, interpreter.Output(1).AsSpan<float>().ToArray());

        // Non-degenerate: the logits spread over many values and the probabilities are a distribution.
        Assert.IsTrue(logits.Distinct().Count() > 50, $"only {logits.Distinct().Count()} distinct logits");
        int sum = first.Sum(b => b);
        Assert.IsTrue(sum > 200 && sum < 300, $"probabilities sum to {sum}/256");

        // A different input gives a different answer.
        Models.FillInput(interpreter, 2);
        interpreter.Invoke();
        CollectionAssert.AreNotEqual(logits, interpreter.Output(1).AsSpan<float>().ToArray());
    }

    private static int Replan(ModelDefinition definition)
    {
        var builder = new ModelBuilder();
        foreach (var t in definition.Tensors) builder.AddTensor(t);
        foreach (int i in definition.Inputs) builder.MarkInput(i);
        foreach (var op in definition.Operators) builder.AddOperator(op.Code, op.Name, op.Inputs, op.Outputs, op.Params);
        foreach (int o in definition.Outputs) builder.MarkOutput(o);
        return builder.Build(definition.Metadata).Plan.ArenaBytes;
    }

    [TestMethod]
    public void Invoke_AllocatesNothing_Over100Calls()
    {
        var interpreter = EmbeddedModel.Load(Models.TinyFile).CreateInterpreter();
        Models.FillInput(interpreter, 3);
        interpreter.Invoke(); // warm up: JIT, static tables
        long allocated = Allocations.SteadyState(interpreter.Invoke, callsPerRound: 100);
        Assert.AreEqual(0L, allocated, $"Invoke allocated {allocated} bytes over 100 calls");
    }

    [TestMethod]
    public void Invoke_AllocatesNothing_OnTheFullSizeModel()
    {
        var interpreter = EmbeddedModel.Load(Models.MobileNetV3SmallFile).CreateInterpreter();
        Models.FillInput(interpreter, 3);
        interpreter.Invoke();
        Assert.AreEqual(0L, Allocations.SteadyState(interpreter.Invoke, callsPerRound: 2));
    }

    [TestMethod]
    public void OneModel_SharedByInterpretersOnSeveralThreads_GivesTheSingleThreadedResults()
    {
        var model = EmbeddedModel.Load(Models.TinyFile);
        var expected = Enumerable.Range(0, 8).Select(seed =>
        {
            var single = model.CreateInterpreter();
            Models.FillInput(single, seed);
            single.Invoke();
            return single.Output(1).Bytes.ToArray();
        }).ToArray();

        var results = new byte[8][][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            var interpreter = model.CreateInterpreter();
            results[worker] = new byte[8][];
            for (int round = 0; round < 8; round++)
            {
                int seed = (worker + round) % 8;
                Models.FillInput(interpreter, seed);
                interpreter.Invoke();
                results[worker][seed] = interpreter.Output(1).Bytes.ToArray();
            }
        });
        for (int worker = 0; worker < 8; worker++)
        for (int seed = 0; seed < 8; seed++)
            CollectionAssert.AreEqual(expected[seed], results[worker][seed], $"worker {worker} seed {seed}");
    }

    [TestMethod]
    public void Load_FromPathStreamAndMemory_GiveTheSameModel()
    {
        string path = System.IO.Path.GetTempFileName();
        try
        {
            System.IO.File.WriteAllBytes(path, Models.TinyFile);
            var fromPath = EmbeddedModel.Load(path);
            using var stream = new System.IO.MemoryStream(Models.TinyFile);
            var fromStream = EmbeddedModel.Load(stream);
            var fromMemory = EmbeddedModel.Load(new ReadOnlyMemory<byte>(Models.TinyFile));
            var outputs = new[] { fromPath, fromStream, fromMemory }.Select(m =>
            {
                var i = m.CreateInterpreter();
                Models.FillInput(i, 5);
                i.Invoke();
                return i.Output(1).Bytes.ToArray();
            }).ToArray();
            CollectionAssert.AreEqual(outputs[0], outputs[1]);
            CollectionAssert.AreEqual(outputs[0], outputs[2]);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
        Assert.ThrowsExactly<System.IO.FileNotFoundException>(() => EmbeddedModel.Load(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "no-such-model.emb")));
    }

    [TestMethod]
    public void Tensor_AsSpan_RejectsTheWrongElementType()
    {
        var interpreter = EmbeddedModel.Load(Models.TinyFile).CreateInterpreter();
        Assert.AreEqual(ElementType.UInt8, interpreter.Input(0).Type);
        Assert.AreEqual(16 * 16 * 3, interpreter.Input(0).AsSpan<byte>().Length);
        Assert.ThrowsExactly<InvalidOperationException>(() => interpreter.Input(0).AsSpan<float>());
    }
}

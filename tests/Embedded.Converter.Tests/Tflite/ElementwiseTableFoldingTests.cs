using System;
using System.Linq;
using Embedded.Converter.Tflite;
using Embedded.Runtime.Building;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Tflite;

[TestClass]
public sealed class ElementwiseTableFoldingTests
{
    private static readonly int[] Shape = { 1, 4, 4, 16 };   // 256 elements: every byte value once

    [TestMethod]
    public void ScalarAddSubMulChains_BecomeOneTable_WithTheSameBytesOnEveryPath()
    {
        var random = new Random(20);
        int trials = 0, distinct = 0;
        foreach (var type in new[] { ElementType.UInt8, ElementType.Int8 })
        for (int trial = 0; trial < 12; trial++, trials++)
        {
            var b = new ModelBuilder();
            int x = b.AddInput("x", type, Shape, Quant(random, type));
            int a = b.AddActivation("a", type, Shape, Quant(random, type));
            int y = b.AddActivation("y", type, Shape, Quant(random, type));
            int c1 = Scalar(b, "c1", type, random), c2 = Scalar(b, "c2", type, random);
            // The constant on either side; SUB in both of its modes; a clamp like a fused RELU6.
            var addInputs = trial % 2 == 0 ? new[] { x, c1 } : new[] { c1, x };
            b.AddOperator(OperatorCode.Add, "add", addInputs, new[] { a }, new AddParams
            {
                Rounding = RoundingMode.DoubleRounding, LeftShift = 20, Subtract = (SubtractMode)(trial % 3),
                Input1Multipliers = new[] { QuantizedMultiplier.FromDouble(0.2 + 0.3 * random.NextDouble()) },
                Input2Multipliers = new[] { QuantizedMultiplier.FromDouble(0.2 + 0.3 * random.NextDouble()) },
                OutputMultipliers = new[] { QuantizedMultiplier.FromDouble(1e-6 * (1 + 3 * random.NextDouble())) },
                ClampMin = new[] { type.MinValue() + random.Next(40) }, ClampMax = new[] { type.MaxValue() - random.Next(40) },
            });
            b.AddOperator(OperatorCode.Mul, "mul", trial % 4 < 2 ? new[] { a, c2 } : new[] { c2, a }, new[] { y }, new MulParams
            {
                Rounding = trial % 5 == 0 ? RoundingMode.SingleRounding : RoundingMode.DoubleRounding,
                OutputMultipliers = new[] { QuantizedMultiplier.FromDouble(0.001 + 0.02 * random.NextDouble()) },
                ClampMin = new[] { type.MinValue() }, ClampMax = new[] { type.MaxValue() },
            });
            b.MarkOutput(y);
            var plain = b.Build(new ModelMetadata { Name = "plain" });
            var folded = ElementwiseTableFolding.Apply(plain.Tensors, plain.Operators, plain.Outputs);

            Assert.AreEqual(1, folded.Count);
            Assert.AreEqual(OperatorCode.TableLookup, folded[0].Code);
            CollectionAssert.AreEqual(new[] { x }, folded[0].Inputs);
            CollectionAssert.AreEqual(new[] { y }, folded[0].Outputs);
            b.ReplaceOperators(folded);
            var tabled = b.Build(new ModelMetadata { Name = "tabled" });
            var expected = Run(plain, KernelPath.Reference, type);
            distinct += expected.Distinct().Count();
            foreach (var path in KernelPaths.Available)
                CollectionAssert.AreEqual(expected, Run(tabled, path, type), $"{type} trial {trial} on {path}");
        }
        Assert.AreEqual(24, trials);
        Assert.IsGreaterThan(24 * 16, distinct, "the chains should map the 256 inputs to many outputs, not a constant");
    }

    [TestMethod]
    public void OperatorsThatAreNotFunctionsOfOneByte_OrTablesReadTwice_StayAsTheyAre()
    {
        var random = new Random(21);
        var type = ElementType.UInt8;
        var b = new ModelBuilder();
        int x = b.AddInput("x", type, Shape, Quant(random, type));
        int a = b.AddActivation("a", type, Shape, Quant(random, type));
        int t1 = b.AddActivation("t1", type, Shape, Quant(random, type));
        int t2 = b.AddActivation("t2", type, Shape, Quant(random, type));
        int y = b.AddActivation("y", type, Shape, Quant(random, type));
        // A per-channel constant: one function per channel, not one table.
        int perChannel = b.AddConstant("k", type, new[] { 1, 1, 1, 16 }, Quant(random, type), Enumerable.Range(0, 16).Select(i => (byte)(i * 7)).ToArray());
        var mul = new MulParams { Rounding = RoundingMode.DoubleRounding, OutputMultipliers = new[] { QuantizedMultiplier.FromDouble(0.01) }, ClampMin = new[] { 0 }, ClampMax = new[] { 255 } };
        b.AddOperator(OperatorCode.Mul, "per-channel", new[] { x, perChannel }, new[] { a }, mul);
        var table = new TableLookupParams { Tables = Enumerable.Range(0, 256).Select(i => (byte)(255 - i)).ToArray() };
        b.AddOperator(OperatorCode.TableLookup, "t1", new[] { a }, new[] { t1 }, table);
        b.AddOperator(OperatorCode.TableLookup, "t2", new[] { t1 }, new[] { t2 }, table);
        // t1 is read twice (t2 and this Add of two activations), so t2 cannot swallow it.
        b.AddOperator(OperatorCode.Add, "sum", new[] { t1, t2 }, new[] { y }, new AddParams
        {
            Rounding = RoundingMode.DoubleRounding, LeftShift = 20,
            Input1Multipliers = new[] { QuantizedMultiplier.FromDouble(0.5) }, Input2Multipliers = new[] { QuantizedMultiplier.FromDouble(0.5) },
            OutputMultipliers = new[] { QuantizedMultiplier.FromDouble(1.0 / (1 << 20)) }, ClampMin = new[] { 0 }, ClampMax = new[] { 255 },
        });
        b.MarkOutput(y);
        var model = b.Build(new ModelMetadata());
        var folded = ElementwiseTableFolding.Apply(model.Tensors, model.Operators, model.Outputs);
        CollectionAssert.AreEqual(model.Operators.ToArray(), folded.ToArray());
    }

    private static byte[] Run(ModelDefinition model, KernelPath path, ElementType type)
    {
        var interpreter = EmbeddedModel.FromDefinition(model).CreateInterpreter(new InterpreterOptions { Path = path });
        var input = interpreter.Input(0).Bytes;
        for (int i = 0; i < input.Length; i++) input[i] = type == ElementType.Int8 ? (byte)(sbyte)(i - 128) : (byte)i;
        interpreter.Invoke();
        return interpreter.Output(0).Bytes.ToArray();
    }

    private static QuantizationParams Quant(Random random, ElementType type) =>
        QuantizationParams.PerTensor(0.01f + 0.1f * random.NextSingle(), type.MinValue() + random.Next(256));

    private static int Scalar(ModelBuilder b, string name, ElementType type, Random random) =>
        b.AddConstant(name, type, new[] { 1 }, Quant(random, type), new[] { (byte)random.Next(256) });
}

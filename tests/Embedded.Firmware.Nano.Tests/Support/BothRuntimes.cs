extern alias nano;
using System;
using System.Linq;
using nano::Embedded.Firmware.Nano.Execution;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Nano.Tests.Support;

/// <summary>Runs one .emb file on the main runtime (reference kernels, the oracle) and on the nano interpreter.</summary>
internal sealed class BothRuntimes
{
    public Interpreter Main { get; }
    public NanoInterpreter Nano { get; }

    public BothRuntimes(byte[] file)
    {
        Main = EmbeddedModel.Load(file).CreateInterpreter(new InterpreterOptions { Path = Embedded.Runtime.Kernels.KernelPath.Reference });
        Nano = new NanoInterpreter(file);
    }

    public static BothRuntimes Of(ModelDefinition definition) => new(ModelWriter.Write(definition));

    /// <summary>Feeds both the same input bytes, runs both, and returns (main, nano) output bytes of every output.</summary>
    public (byte[] Main, byte[] Nano)[] Run(params byte[][] inputs)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i].CopyTo(Main.Input(i).Bytes);
            Nano.SetInput(i, inputs[i]);
        }
        Main.Invoke();
        Nano.Invoke();
        var results = new (byte[], byte[])[Nano.OutputCount];
        for (int o = 0; o < results.Length; o++)
        {
            var nano = new byte[Nano.Output(o).ByteLength];
            Nano.GetOutput(o, nano);
            results[o] = (Main.Output(o).Bytes.ToArray(), nano);
        }
        return results;
    }

    /// <summary>Asserts every output identical, naming the first differing byte.</summary>
    public void AssertIdentical(string what, params byte[][] inputs)
    {
        foreach (var (main, nano) in Run(inputs))
        {
            Assert.HasCount(main.Length, nano, $"{what}: output length");
            int first = Enumerable.Range(0, main.Length).FirstOrDefault(i => main[i] != nano[i], -1);
            Assert.AreEqual(-1, first, $"{what}: byte {first} differs (main {(first < 0 ? 0 : main[first])}, nano {(first < 0 ? 0 : nano[first])})");
        }
    }
}

// armcost MODEL.emb [--input FILE.u8] [--path P] [--threads N] [--warmup N] [--runs N] [--check]
// Prints the operator table ("op INDEX CODE MACS NAME"), warms the interpreter up (so the JIT has reached its
// optimized code), then runs marked inferences: the counting plugin prints "mark TAG COUNT" for each marker system
// call, and arm-cost.sh turns the differences into instructions per inference and per operator. Outside qemu the
// markers are harmless failed system calls (ENOSYS). --check first compares the output bytes with the Reference path's
// (exit 1 on a difference).
using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;

string? modelPath = null, inputPath = null;
KernelPath? path = null;
int threads = 1, warmup = 30, runs = 3;
bool check = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--input": inputPath = args[++i]; break;
        case "--path": path = Enum.Parse<KernelPath>(args[++i], ignoreCase: true); break;
        case "--threads": threads = int.Parse(args[++i]); break;
        case "--warmup": warmup = int.Parse(args[++i]); break;
        case "--runs": runs = int.Parse(args[++i]); break;
        case "--check": check = true; break;
        default:
            if (modelPath is null && !args[i].StartsWith("--", StringComparison.Ordinal)) { modelPath = args[i]; break; }
            Console.Error.WriteLine($"armcost: unknown argument '{args[i]}'");
            return 2;
    }
}
if (modelPath is null) { Console.Error.WriteLine("usage: armcost MODEL.emb [--input FILE.u8] [--path P] [--threads N] [--warmup N] [--runs N]"); return 2; }

var model = EmbeddedModel.Load(modelPath);
using var interpreter = model.CreateInterpreter(new InterpreterOptions { Path = path, Threads = threads });
var definition = model.Definition;
Console.WriteLine($"path {interpreter.Path} threads {interpreter.Threads} arch {RuntimeInformation.ProcessArchitecture}");
for (int i = 0; i < definition.Operators.Count; i++)
{
    var op = definition.Operators[i];
    Console.WriteLine($"op {i} {op.Code} {ModelStatistics.MultiplyAccumulates(op, definition.Tensors)} {op.Name}");
}

// A real image where one fits (the cost of a few kernels depends on the data), else a fixed pattern.
var inputTensor = interpreter.Input(0);
byte[] pixels = inputPath is null ? Array.Empty<byte>() : File.ReadAllBytes(inputPath);
if (pixels.Length != inputTensor.Bytes.Length)
{
    pixels = new byte[inputTensor.Bytes.Length];
    for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 37 + 11);
}
void Fill() => pixels.CopyTo(inputTensor.Bytes);

if (check)
{
    using var reference = model.CreateInterpreter(new InterpreterOptions { Path = KernelPath.Reference });
    pixels.CopyTo(reference.Input(0).Bytes);
    reference.Invoke();
    Fill();
    interpreter.Invoke();
    bool same = reference.Output(0).Bytes.SequenceEqual(interpreter.Output(0).Bytes);
    Console.WriteLine($"check {(same ? "identical" : "DIFFERENT")} output bytes, {interpreter.Path} vs Reference");
    if (!same) return 1;
}
// Steady state: code that runs once per inference (Quantize, the classifier, the interpreter loop) reaches the optimized
// tier only after two rounds of 30 calls (tier 0, then instrumented for PGO) and background compiles, slow under qemu. So four rounds of WARMUP
// inferences, each followed by a one-second pause for the JIT's background compiles.
for (int round = 0; round < 4; round++)
{
    for (int i = 0; i < warmup; i++) { Fill(); interpreter.Invoke(); }
    System.Threading.Thread.Sleep(1000);
}
const long Start = -1, End = -2, ProfiledStart = -3;
for (int r = 0; r < runs; r++)
{
    Fill();
    Marker.Mark(Start);
    interpreter.Invoke();
    Marker.Mark(End);
}
if (threads == 1)
{
    OperatorObserver afterOperator = static (index, _, _) => Marker.Mark(index);
    for (int r = 0; r < runs; r++)
    {
        Fill();
        Marker.Mark(ProfiledStart);
        interpreter.InvokeObserved(afterOperator);
    }
}
Console.WriteLine("done");
return 0;

/// <summary>The marker: a system call Linux does not have (returns ENOSYS), which the plugin sees with its argument.</summary>
internal static class Marker
{
    private const long Number = 0x454D42;

    [DllImport("libc.so.6", EntryPoint = "syscall")]
    private static extern long Syscall(long number, long tag);

    public static void Mark(long tag) => Syscall(Number, tag);
}

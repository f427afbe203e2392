using System;
using System.IO;
using Embedded.Fuzz.Targets;
using SharpFuzz;

namespace Embedded.Fuzz;

/// <summary>
/// `emb-fuzz TARGET`: under afl-fuzz (SharpFuzz's forkserver), each input goes to the target once; a refusal is a
/// normal end, any other exception a crash. `emb-fuzz TARGET FILE…` runs files directly and prints what happens.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: emb-fuzz TARGET [FILE…] | emb-fuzz --seeds DIR");
            foreach (var t in FuzzTargets.All) Console.Error.WriteLine($"  {t.Name,-13} {t.Description}");
            return 2;
        }
        if (args[0] == "--seeds" && args.Length == 2)
        {
            Seeds.Write(args[1]);
            return 0;
        }
        var target = FuzzTargets.Find(args[0]);
        if (args.Length == 1)
        {
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                target.Run(memory.ToArray());
            });
            return 0;
        }
        int crashed = 0;
        for (int i = 1; i < args.Length; i++)
        {
            try
            {
                target.Run(File.ReadAllBytes(args[i]));
                Console.WriteLine($"{args[i]}: ok");
            }
            catch (Exception e)
            {
                crashed++;
                Console.WriteLine($"{args[i]}: CRASH {e}");
            }
        }
        return crashed == 0 ? 0 : 1;
    }
}

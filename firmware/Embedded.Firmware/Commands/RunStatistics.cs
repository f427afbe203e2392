using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace Embedded.Firmware.Commands;

/// <summary>
/// `emb-board run --stats N`: every N frames one JSON line on stderr with what a long-running service must keep flat —
/// the managed heap, the GC counts, the working set, threads and handles. benchmarks/soak.sh reads them.
/// </summary>
internal sealed class RunStatistics
{
    private readonly long _every;
    private readonly TextWriter _writer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public RunStatistics(long every, TextWriter writer)
    {
        _every = every;
        _writer = writer;
    }

    /// <summary>After frame <paramref name="frame"/> (0-based): writes a line when a multiple of N frames is done.</summary>
    public void After(long frame)
    {
        if (_every <= 0 || (frame + 1) % _every != 0) return;
        var inv = CultureInfo.InvariantCulture;
        using var process = Process.GetCurrentProcess();
        _writer.WriteLine("{\"frames\":" + (frame + 1).ToString(inv)
            + ",\"seconds\":" + _clock.Elapsed.TotalSeconds.ToString("F1", inv)
            + ",\"managed_bytes\":" + GC.GetTotalMemory(forceFullCollection: false).ToString(inv)
            + ",\"allocated_bytes\":" + GC.GetTotalAllocatedBytes(precise: false).ToString(inv)
            + ",\"gen0\":" + GC.CollectionCount(0).ToString(inv) + ",\"gen1\":" + GC.CollectionCount(1).ToString(inv) + ",\"gen2\":" + GC.CollectionCount(2).ToString(inv)
            + ",\"working_set\":" + process.WorkingSet64.ToString(inv)
            + ",\"threads\":" + process.Threads.Count.ToString(inv)
            + ",\"handles\":" + process.HandleCount.ToString(inv) + "}");
        _writer.Flush();
    }
}

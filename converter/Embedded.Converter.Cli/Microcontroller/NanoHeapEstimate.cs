using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Embedded.Converter.Cli.Microcontroller;

/// <summary>
/// The managed heap an object graph would take on nanoCLR, estimated by walking it: nanoCLR stores an object as one
/// 12-byte heap block for its header plus one 12-byte block per instance field (CLR_RT_HeapBlock), an array as a
/// 24-byte header and its elements packed (references as 12-byte blocks), everything rounded up to 12 bytes.
/// An estimate, not a measurement: no nanoCLR runs here (docs/microcontrollers.md).
/// </summary>
internal static class NanoHeapEstimate
{
    private const int Block = 12;
    private const int ArrayHeader = 24;

    /// <summary>Bytes of every object reachable from <paramref name="root"/> except those in <paramref name="exclude"/> (the model bytes, the arena).</summary>
    public static long Of(object root, params object[] exclude)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var e in exclude) seen.Add(e);
        var pending = new Stack<object>();
        pending.Push(root);
        long total = 0;
        while (pending.Count > 0)
        {
            object o = pending.Pop();
            if (!seen.Add(o)) continue;
            var type = o.GetType();
            if (type == typeof(string)) { total += RoundUp(ArrayHeader + ((string)o).Length); continue; }
            if (o is Array array)
            {
                var element = type.GetElementType()!;
                if (element.IsPrimitive) total += RoundUp(ArrayHeader + (long)array.Length * Marshal(element));
                else
                {
                    total += RoundUp(ArrayHeader + (long)array.Length * Block);
                    foreach (var item in array) if (item is not null) pending.Push(item);
                }
                continue;
            }
            var fields = Fields(type);
            total += Block * (1 + fields.Count);
            foreach (var f in fields)
                if (!f.FieldType.IsValueType && f.GetValue(o) is { } child) pending.Push(child);
        }
        return total;
    }

    private static List<FieldInfo> Fields(Type type)
    {
        var list = new List<FieldInfo>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            list.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly));
        return list;
    }

    private static int Marshal(Type primitive) => primitive == typeof(bool) || primitive == typeof(byte) || primitive == typeof(sbyte) ? 1
        : primitive == typeof(short) || primitive == typeof(ushort) || primitive == typeof(char) ? 2
        : primitive == typeof(long) || primitive == typeof(ulong) || primitive == typeof(double) ? 8 : 4;

    private static long RoundUp(long bytes) => (bytes + Block - 1) / Block * Block;
}

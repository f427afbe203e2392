using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>out[i] = table[c / (C / T)][x − min(type)]: any elementwise function of an 8-bit tensor. Safe in place.</summary>
    public sealed class TableLookupKernel : NanoOperator
    {
        private const int Entries = 256;
        private int _tables, _tableCount;

        public static TableLookupKernel Read(ModelCursor c, byte[] model, NanoTensor[] inputs, NanoTensor output)
        {
            var k = new TableLookupKernel { Inputs = inputs, Output = output };
            k._tableCount = c.ReadCount("tableCount", 4096, Entries);
            if (k._tableCount == 0 || inputs[0].Channels % k._tableCount != 0)
                throw new NanoModelException("tableCount", "needs one table or a number dividing the channels", c.Position);
            k._tables = c.Take("tables", Entries * k._tableCount);
            return k;
        }

        public override void Invoke(byte[] arena, byte[] model)
        {
            NanoTensor input = Inputs[0];
            byte[] x = input.Bytes(arena, model), y = Output.Bytes(arena, model);
            int channels = input.Channels;
            int channelsPerTable = channels / _tableCount;
            int offset = input.Type == ElementTypes.Int8 ? 128 : 0;
            int count = input.ByteLength;
            for (int i = 0; i < count; i++)
            {
                int table = i % channels / channelsPerTable;
                y[Output.Offset + i] = model[_tables + table * Entries + ElementTypes.Load(x, input.Offset, input.Type, i) + offset];
            }
        }
    }
}

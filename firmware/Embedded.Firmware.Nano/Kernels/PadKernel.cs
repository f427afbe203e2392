using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>Constant padding: the input copied into the padded output, new cells at the output zero point (real 0).</summary>
    public sealed class PadKernel : NanoOperator
    {
        private int[] _before;
        private int[] _coordinates;

        public static PadKernel Read(ModelCursor c, byte[] model, NanoTensor[] inputs, NanoTensor output)
        {
            int rank = output.Shape.Length;
            var k = new PadKernel { Inputs = inputs, Output = output, _coordinates = new int[rank] };
            k._before = c.ReadInt32Array("before", c.ReadCount("before.count", 6, 4));
            c.ReadInt32Array("after", c.ReadCount("after.count", 6, 4));
            if (k._before.Length != rank) throw new NanoModelException("before", "one entry per dimension", c.Position);
            return k;
        }

        public override void Invoke(byte[] arena, byte[] model)
        {
            NanoTensor input = Inputs[0];
            byte[] x = input.Bytes(arena, model), y = Output.Bytes(arena, model);
            int rank = Output.Shape.Length;
            int count = Output.ElementCount;
            int channels = Output.Channels;
            for (int i = 0; i < count; i++)
            {
                int rest = i;
                for (int d = rank - 1; d >= 0; d--)
                {
                    _coordinates[d] = rest % Output.Shape[d];
                    rest /= Output.Shape[d];
                }
                int inIndex = 0;
                bool inside = true;
                for (int d = 0; d < rank; d++)
                {
                    int v = _coordinates[d] - _before[d];
                    if (v < 0 || v >= input.Shape[d]) { inside = false; break; }
                    inIndex = inIndex * input.Shape[d] + v;
                }
                ElementTypes.Store(y, Output.Offset, Output.Type, i, inside ? ElementTypes.Load(x, input.Offset, input.Type, inIndex) : Output.ZeroPoint(i % channels));
            }
        }
    }
}

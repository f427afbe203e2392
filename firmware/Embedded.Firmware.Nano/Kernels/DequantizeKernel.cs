using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>x = (float)(s[c] · (q − zp[c])) with the product in double, as TFLite's reference Dequantize.</summary>
    public sealed class DequantizeKernel : NanoOperator
    {
        public static DequantizeKernel Create(NanoTensor[] inputs, NanoTensor output, int offset)
        {
            if (inputs[0].ScaleCount == 0) throw new NanoModelException("input scales", "a dequantized tensor needs its scale", offset);
            return new DequantizeKernel { Inputs = inputs, Output = output };
        }

        public override void Invoke(byte[] arena, byte[] model)
        {
            NanoTensor input = Inputs[0];
            byte[] x = input.Bytes(arena, model), y = Output.Bytes(arena, model);
            int channels = input.Channels;
            int count = input.ElementCount;
            for (int i = 0; i < count; i++)
            {
                int c = i % channels;
                double scale = LittleEndian.ReadSingle(model, input.ScalesOffset + (input.ScaleCount == 1 ? 0 : 4 * c));
                FloatBits.WriteSingle(y, Output.Offset + 4 * i, (float)(scale * (ElementTypes.Load(x, input.Offset, input.Type, i) - input.ZeroPoint(c))));
            }
        }
    }
}

using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>Fully connected: input viewed as rows of K = weights.Shape[1], weights [Cout, K], optional int32 bias.</summary>
    public sealed class FullyConnectedKernel : NanoOperator
    {
        private OutputStageView _stage;

        public static FullyConnectedKernel Read(ModelCursor c, byte[] model, NanoTensor[] inputs, NanoTensor output)
        {
            var k = new FullyConnectedKernel { Inputs = inputs, Output = output };
            k._stage = OutputStageView.Read(c, model, "output", inputs[1].Shape[0]);
            return k;
        }

        public override void Invoke(byte[] arena, byte[] model)
        {
            NanoTensor input = Inputs[0], weights = Inputs[1], bias = Inputs.Length > 2 ? Inputs[2] : null;
            byte[] x = input.Bytes(arena, model), w = weights.Bytes(arena, model), y = Output.Bytes(arena, model);
            int outC = weights.Shape[0], depth = weights.Shape[1];
            int rows = input.ElementCount / depth;
            int inChannels = input.Channels;
            bool wide = input.IsWide;
            // 8-bit operands with one input zero point: the inner loop reads the bytes directly (same sums as Load).
            bool bytes = ElementTypes.IsByte(input.Type) && ElementTypes.IsByte(weights.Type) && input.ZeroPoints.Length <= 1;
            int xFlip = ElementTypes.SignFlip(input.Type), wFlip = ElementTypes.SignFlip(weights.Type);
            int xOffset = input.ZeroPoint(0) + ElementTypes.SignBias(input.Type), wSign = ElementTypes.SignBias(weights.Type);
            for (int r = 0; r < rows; r++)
            for (int o = 0; o < outC; o++)
            {
                int wZero = weights.ZeroPoint(o), wOffset = wZero + wSign;
                long acc = bias == null ? 0 : LittleEndian.ReadInt32(bias.Bytes(arena, model), bias.Offset + 4 * o);
                if (bytes)
                {
                    int sum = 0, xi = input.Offset + r * depth, wi = weights.Offset + o * depth;
                    for (int k = 0; k < depth; k++)
                        sum += ((x[xi + k] ^ xFlip) - xOffset) * ((w[wi + k] ^ wFlip) - wOffset);
                    acc += sum;
                }
                else
                    for (int k = 0; k < depth; k++)
                    {
                        int xv = ElementTypes.Load(x, input.Offset, input.Type, r * depth + k) - input.ZeroPoint(k % inChannels);
                        int wv = ElementTypes.Load(w, weights.Offset, weights.Type, o * depth + k) - wZero;
                        acc += (long)xv * wv;
                    }
                ElementTypes.Store(y, Output.Offset, Output.Type, r * outC + o, _stage.Apply(model, o, acc, wide, Output.ZeroPoint(o)));
            }
        }
    }
}

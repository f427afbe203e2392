using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>
    /// Conv2D: NHWC input, OHWI weights [Cout, KH, KW, Cin/groups], optional int32 bias; any stride, dilation, padding
    /// and groups. acc = bias + Σ (x − zp_x)·(w − zp_w), then the output stage. Padded cells contribute 0.
    /// </summary>
    public sealed class Conv2DKernel : RowOperator
    {
        private int _groups;
        private OutputStageView _stage;

        public static Conv2DKernel Read(ModelCursor c, byte[] model, NanoTensor[] inputs, NanoTensor output)
        {
            var k = new Conv2DKernel { Inputs = inputs, Output = output };
            k.ReadWindow(c, dilated: true);
            k._groups = c.ReadInt32("groups");
            if (k._groups < 1 || output.Channels % k._groups != 0)
                throw new NanoModelException("groups", "groups must be positive and divide the channels", c.Position);
            k._stage = OutputStageView.Read(c, model, "output", output.Channels);
            k.ExtentH = (inputs[1].Shape[1] - 1) * k.DilationH + 1;
            return k;
        }

        public override void InvokeRows(byte[] arena, byte[] model, int first, int end)
        {
            NanoTensor input = Inputs[0], weights = Inputs[1], bias = Inputs.Length > 2 ? Inputs[2] : null;
            byte[] x = input.Bytes(arena, model), w = weights.Bytes(arena, model), y = Output.Bytes(arena, model);
            int inH = input.Shape[1], inW = input.Shape[2], inC = input.Shape[3];
            int outW = Output.Shape[2], outC = Output.Shape[3];
            int kH = weights.Shape[1], kW = weights.Shape[2], groupInC = weights.Shape[3];
            int groupOutC = outC / _groups;
            int batches = input.Shape[0];
            bool wide = input.IsWide;
            int inRing = InRing, outRing = OutRing;
            // 8-bit operands with one input zero point: the inner loop reads the bytes directly (same sums as Load).
            bool bytes = ElementTypes.IsByte(input.Type) && ElementTypes.IsByte(weights.Type) && input.ZeroPoints.Length <= 1;
            int xFlip = ElementTypes.SignFlip(input.Type), wFlip = ElementTypes.SignFlip(weights.Type);
            int xOffset = input.ZeroPoint(0) + ElementTypes.SignBias(input.Type), wSign = ElementTypes.SignBias(weights.Type);
            for (int n = 0; n < batches; n++)
            for (int oy = first; oy < end; oy++)
            for (int ox = 0; ox < outW; ox++)
            for (int oc = 0; oc < outC; oc++)
            {
                int firstInC = oc / groupOutC * groupInC;
                int wZero = weights.ZeroPoint(oc), wOffset = wZero + wSign;
                long acc = bias == null ? 0 : LittleEndian.ReadInt32(bias.Bytes(arena, model), bias.Offset + 4 * oc);
                for (int ky = 0; ky < kH; ky++)
                {
                    int iy = oy * StrideH - PadTop + ky * DilationH;
                    if (iy < 0 || iy >= inH) continue;
                    for (int kx = 0; kx < kW; kx++)
                    {
                        int ix = ox * StrideW - PadLeft + kx * DilationW;
                        if (ix < 0 || ix >= inW) continue;
                        int pixel = ((n * inRing + iy % inRing) * inW + ix) * inC + firstInC;
                        int taps = ((oc * kH + ky) * kW + kx) * groupInC;
                        if (bytes)
                        {
                            // int32 partial sums wrap as the 8-bit accumulator does (the output stage keeps its low 32 bits).
                            int sum = 0, xi = input.Offset + pixel, wi = weights.Offset + taps;
                            for (int ic = 0; ic < groupInC; ic++)
                                sum += ((x[xi + ic] ^ xFlip) - xOffset) * ((w[wi + ic] ^ wFlip) - wOffset);
                            acc += sum;
                            continue;
                        }
                        for (int ic = 0; ic < groupInC; ic++)
                        {
                            int xv = ElementTypes.Load(x, input.Offset, input.Type, pixel + ic) - input.ZeroPoint(firstInC + ic);
                            int wv = ElementTypes.Load(w, weights.Offset, weights.Type, taps + ic) - wZero;
                            acc += (long)xv * wv;
                        }
                    }
                }
                int outIndex = ((n * outRing + oy % outRing) * outW + ox) * outC + oc;
                ElementTypes.Store(y, Output.Offset, Output.Type, outIndex, _stage.Apply(model, oc, acc, wide, Output.ZeroPoint(oc)));
            }
        }
    }
}

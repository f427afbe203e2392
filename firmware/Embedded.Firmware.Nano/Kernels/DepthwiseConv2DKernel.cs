using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>
    /// Depthwise conv: NHWC input, weights [1, KH, KW, Cin·multiplier] (TFLite layout), optional int32 bias; output
    /// channel oc reads input channel oc / multiplier.
    /// </summary>
    public sealed class DepthwiseConv2DKernel : RowOperator
    {
        private int _multiplier;
        private OutputStageView _stage;

        public static DepthwiseConv2DKernel Read(ModelCursor c, byte[] model, NanoTensor[] inputs, NanoTensor output)
        {
            var k = new DepthwiseConv2DKernel { Inputs = inputs, Output = output };
            k.ReadWindow(c, dilated: true);
            k._multiplier = c.ReadInt32("depthMultiplier");
            if (k._multiplier < 1)
                throw new NanoModelException("depthMultiplier", "must be positive", c.Position);
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
            int kH = weights.Shape[1], kW = weights.Shape[2];
            int batches = input.Shape[0];
            bool wide = input.IsWide;
            int inRing = InRing, outRing = OutRing;
            // 8-bit operands: the inner loop reads the bytes directly (same sums as Load).
            bool bytes = ElementTypes.IsByte(input.Type) && ElementTypes.IsByte(weights.Type);
            int xFlip = ElementTypes.SignFlip(input.Type), wFlip = ElementTypes.SignFlip(weights.Type);
            int xBias = ElementTypes.SignBias(input.Type), wBias = ElementTypes.SignBias(weights.Type);
            for (int n = 0; n < batches; n++)
            for (int oy = first; oy < end; oy++)
            for (int ox = 0; ox < outW; ox++)
            for (int oc = 0; oc < outC; oc++)
            {
                int ic = oc / _multiplier;
                int xZero = input.ZeroPoint(ic), wZero = weights.ZeroPoint(oc);
                long acc = bias == null ? 0 : LittleEndian.ReadInt32(bias.Bytes(arena, model), bias.Offset + 4 * oc);
                for (int ky = 0; ky < kH; ky++)
                {
                    int iy = oy * StrideH - PadTop + ky * DilationH;
                    if (iy < 0 || iy >= inH) continue;
                    for (int kx = 0; kx < kW; kx++)
                    {
                        int ix = ox * StrideW - PadLeft + kx * DilationW;
                        if (ix < 0 || ix >= inW) continue;
                        int xi = ((n * inRing + iy % inRing) * inW + ix) * inC + ic, wi = (ky * kW + kx) * outC + oc;
                        if (bytes)
                            acc += ((x[input.Offset + xi] ^ xFlip) - xBias - xZero) * ((w[weights.Offset + wi] ^ wFlip) - wBias - wZero);
                        else
                            acc += (long)(ElementTypes.Load(x, input.Offset, input.Type, xi) - xZero) * (ElementTypes.Load(w, weights.Offset, weights.Type, wi) - wZero);
                    }
                }
                int outIndex = ((n * outRing + oy % outRing) * outW + ox) * outC + oc;
                ElementTypes.Store(y, Output.Offset, Output.Type, outIndex, _stage.Apply(model, oc, acc, wide, Output.ZeroPoint(oc)));
            }
        }
    }
}

using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>
    /// AveragePool2D / MaxPool2D over NHWC windows (TFLite semantics: shared quantization, padded cells left out, the
    /// average divided rounding half away from zero), clamped.
    /// </summary>
    public sealed class Pool2DKernel : RowOperator
    {
        private bool _max;
        private int _filterH, _filterW;
        private int _min, _minCount, _maxClamp, _maxCount;

        public static Pool2DKernel Read(ModelCursor c, byte[] model, NanoTensor[] inputs, NanoTensor output, bool max)
        {
            var k = new Pool2DKernel { Inputs = inputs, Output = output, _max = max };
            k._filterH = c.ReadInt32("filterH"); k._filterW = c.ReadInt32("filterW");
            k.ReadWindow(c, dilated: false);
            if (k._filterH < 1 || k._filterW < 1) throw new NanoModelException("params", "the filter must be positive", c.Position);
            k._min = ParamReader.Ints(c, "clampMin", output.Channels, out k._minCount);
            k._maxClamp = ParamReader.Ints(c, "clampMax", output.Channels, out k._maxCount);
            k.ExtentH = k._filterH;
            return k;
        }

        public override void InvokeRows(byte[] arena, byte[] model, int first, int end)
        {
            NanoTensor input = Inputs[0];
            byte[] x = input.Bytes(arena, model), y = Output.Bytes(arena, model);
            int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
            int outW = Output.Shape[2];
            int inRing = InRing, outRing = OutRing;
            for (int n = 0; n < batches; n++)
            for (int oy = first; oy < end; oy++)
            for (int ox = 0; ox < outW; ox++)
            for (int c = 0; c < channels; c++)
            {
                long sum = 0;
                int count = 0, max = int.MinValue;
                for (int ky = 0; ky < _filterH; ky++)
                {
                    int iy = oy * StrideH - PadTop + ky;
                    if (iy < 0 || iy >= inH) continue;
                    for (int kx = 0; kx < _filterW; kx++)
                    {
                        int ix = ox * StrideW - PadLeft + kx;
                        if (ix < 0 || ix >= inW) continue;
                        int v = ElementTypes.Load(x, input.Offset, input.Type, ((n * inRing + iy % inRing) * inW + ix) * channels + c);
                        sum += v;
                        if (v > max) max = v;
                        count++;
                    }
                }
                long result = _max ? max : sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
                int lo = ParamReader.Pick(model, _min, _minCount, c), hi = ParamReader.Pick(model, _maxClamp, _maxCount, c);
                ElementTypes.Store(y, Output.Offset, Output.Type, ((n * outRing + oy % outRing) * outW + ox) * channels + c, ElementTypes.Clamp(result, lo, hi));
            }
        }
    }
}

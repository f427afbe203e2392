using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>
    /// Mean over H and W of NHWC → [N,1,1,C]: zp_out + M·(Σx − H·W·zp_in), or TFLite's variants (bias after the
    /// multiplier; truncated mean), saturated to the output type.
    /// </summary>
    public sealed class GlobalAveragePoolKernel : NanoOperator
    {
        public const int Requantize = 0, TfliteBias = 1, TruncatedMean = 2;

        private RoundingMode _rounding;
        private int _multipliers, _multiplierCount, _algorithm, _tfliteBias;

        public static GlobalAveragePoolKernel Read(ModelCursor c, byte[] model, NanoTensor[] inputs, NanoTensor output)
        {
            var k = new GlobalAveragePoolKernel { Inputs = inputs, Output = output };
            k._rounding = ParamReader.Rounding(c, "rounding");
            k._multipliers = ParamReader.Multipliers(c, model, "multipliers", output.Channels, out k._multiplierCount);
            int at = c.Position;
            k._algorithm = c.ReadByte("algorithm");
            if (k._algorithm > TruncatedMean) throw new NanoModelException("algorithm", "unknown mean algorithm " + k._algorithm.ToString(), at);
            if (k._algorithm != TruncatedMean && k._multiplierCount == 0) throw new NanoModelException("multipliers", "missing", at);
            k._tfliteBias = c.ReadInt32("tfliteBias");
            return k;
        }

        public override void Invoke(byte[] arena, byte[] model)
        {
            NanoTensor input = Inputs[0];
            byte[] x = input.Bytes(arena, model), y = Output.Bytes(arena, model);
            int batches = input.Shape[0], cells = input.Shape[1] * input.Shape[2], channels = input.Shape[3];
            int min = ElementTypes.MinValue(Output.Type), max = ElementTypes.MaxValue(Output.Type);
            for (int n = 0; n < batches; n++)
            for (int c = 0; c < channels; c++)
            {
                long sum = 0;
                for (int i = 0; i < cells; i++)
                    sum += ElementTypes.Load(x, input.Offset, input.Type, (n * cells + i) * channels + c);
                long q;
                if (_algorithm == TruncatedMean) q = sum / cells;
                else
                {
                    int m = _multipliers + (_multiplierCount == 1 ? 0 : 8 * c);
                    int multiplier = LittleEndian.ReadInt32(model, m), shift = LittleEndian.ReadInt32(model, m + 4);
                    q = _algorithm == TfliteBias
                        ? _tfliteBias + (long)OutputStageArithmetic.Requantize(sum, multiplier, shift, _rounding, input.IsWide)
                        : Output.ZeroPoint(c) + (long)OutputStageArithmetic.Requantize(sum - (long)cells * input.ZeroPoint(c), multiplier, shift, _rounding, input.IsWide);
                }
                ElementTypes.Store(y, Output.Offset, Output.Type, n * channels + c, ElementTypes.Clamp(q, min, max));
            }
        }
    }
}

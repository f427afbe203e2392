using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>
    /// float32 → integer as TFLite's AffineQuantize (q = round_half_away(x / s) + zp, saturated, NaN → zp), or integer →
    /// integer requantization zp_out + offset + M·(x − zp_in), saturated. Safe in place for equal element sizes.
    /// </summary>
    public sealed class QuantizeKernel : NanoOperator
    {
        private RoundingMode _rounding;
        private int _multipliers, _multiplierCount, _offsets, _offsetCount;

        public static QuantizeKernel Read(ModelCursor c, byte[] model, NanoTensor[] inputs, NanoTensor output)
        {
            var k = new QuantizeKernel { Inputs = inputs, Output = output };
            int channels = output.Channels;
            k._rounding = ParamReader.Rounding(c, "rounding");
            k._multipliers = ParamReader.Multipliers(c, model, "multipliers", channels, out k._multiplierCount);
            k._offsetCount = c.ReadCount("offsets.count", 1 << 16, 4);
            if (k._offsetCount > 1 && k._offsetCount != channels) throw new NanoModelException("offsets", "one per channel or one", c.Position);
            k._offsets = c.Take("offsets", 4 * k._offsetCount);
            bool fromFloat = inputs[0].Type == ElementTypes.Float32;
            if (fromFloat ? output.ScaleCount == 0 : k._multiplierCount == 0)
                throw new NanoModelException(fromFloat ? "output scales" : "multipliers", "missing", c.Position);
            return k;
        }

        public override void Invoke(byte[] arena, byte[] model)
        {
            NanoTensor input = Inputs[0];
            byte[] x = input.Bytes(arena, model), y = Output.Bytes(arena, model);
            int channels = Output.Channels;
            int count = Output.ElementCount;
            int min = ElementTypes.MinValue(Output.Type), max = ElementTypes.MaxValue(Output.Type);
            if (input.Type == ElementTypes.Float32)
            {
                for (int i = 0; i < count; i++)
                {
                    int c = i % channels;
                    int zp = Output.ZeroPoint(c);
                    float scale = LittleEndian.ReadSingle(model, Output.ScalesOffset + (Output.ScaleCount == 1 ? 0 : 4 * c));
                    float scaled = (float)FloatBits.RoundHalfAway((double)(LittleEndian.ReadSingle(x, input.Offset + 4 * i) / scale));
                    int q;
                    if (float.IsNaN(scaled)) q = zp;
                    else if (scaled + zp <= min) q = min;
                    else if (scaled + zp >= max) q = max;
                    else q = (int)scaled + zp;
                    ElementTypes.Store(y, Output.Offset, Output.Type, i, q);
                }
                return;
            }
            for (int i = 0; i < count; i++)
            {
                int c = i % channels;
                int m = _multipliers + (_multiplierCount == 1 ? 0 : 8 * c);
                int offset = _offsetCount == 0 ? 0 : ParamReader.Pick(model, _offsets, _offsetCount, c);
                long q = Output.ZeroPoint(c) + (long)offset + FixedPoint.MultiplyByQuantizedMultiplier(
                    ElementTypes.Load(x, input.Offset, input.Type, i) - input.ZeroPoint(c), LittleEndian.ReadInt32(model, m), LittleEndian.ReadInt32(model, m + 4), _rounding);
                ElementTypes.Store(y, Output.Offset, Output.Type, i, ElementTypes.Clamp(q, min, max));
            }
        }
    }
}

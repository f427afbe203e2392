using Embedded.Firmware.Nano.Format;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>
    /// A conv / depthwise / FC output stage read in place from the model bytes: the per-channel multipliers and clamps
    /// are not copied into RAM (thousands of channels on a MobileNet); <see cref="Apply"/> reads channel c's when it needs them.
    /// </summary>
    public sealed class OutputStageView
    {
        private FusedActivation _activation;
        private RoundingMode _rounding;
        private int _multipliers, _multiplierCount, _gates, _gateCount, _clampMin, _clampMinCount, _clampMax, _clampMaxCount;

        public static OutputStageView Read(ModelCursor c, byte[] model, string field, int channels)
        {
            var s = new OutputStageView();
            int at = c.Position;
            int activation = c.ReadByte(field + ".activation");
            if (activation > (int)FusedActivation.HardSwish) throw new NanoModelException(field + ".activation", "unknown activation " + activation.ToString(), at);
            s._activation = (FusedActivation)activation;
            s._rounding = ParamReader.Rounding(c, field + ".rounding");
            s._multipliers = ParamReader.Multipliers(c, model, field + ".multipliers", channels, out s._multiplierCount);
            if (s._multiplierCount == 0) throw new NanoModelException(field + ".multipliers", "no multiplier", c.Position);
            s._gates = ParamReader.Multipliers(c, model, field + ".gateMultipliers", channels, out s._gateCount);
            if ((s._activation == FusedActivation.HardSwish || s._activation == FusedActivation.HardSigmoid) && s._gateCount == 0)
                throw new NanoModelException(field + ".gateMultipliers", "the activation needs gate multipliers", c.Position);
            s._clampMin = ParamReader.Ints(c, field + ".clampMin", channels, out s._clampMinCount);
            s._clampMax = ParamReader.Ints(c, field + ".clampMax", channels, out s._clampMaxCount);
            return s;
        }

        /// <summary>Output value of channel <paramref name="channel"/> for accumulator <paramref name="acc"/> (zero point added, clamped).</summary>
        public int Apply(byte[] model, int channel, long acc, bool wide, int zeroPoint)
        {
            int m = _multipliers + (_multiplierCount == 1 ? 0 : 8 * channel);
            int g = _gateCount == 0 ? -1 : _gates + (_gateCount == 1 ? 0 : 8 * channel);
            long y = OutputStageArithmetic.Activate(_activation, acc, LittleEndian.ReadInt32(model, m), LittleEndian.ReadInt32(model, m + 4),
                g < 0 ? 0 : LittleEndian.ReadInt32(model, g), g < 0 ? 0 : LittleEndian.ReadInt32(model, g + 4), _rounding, wide);
            int min = LittleEndian.ReadInt32(model, _clampMin + (_clampMinCount == 1 ? 0 : 4 * channel));
            int max = LittleEndian.ReadInt32(model, _clampMax + (_clampMaxCount == 1 ? 0 : 4 * channel));
            long q = zeroPoint + y;
            return q < min ? min : q > max ? max : (int)q;
        }
    }
}

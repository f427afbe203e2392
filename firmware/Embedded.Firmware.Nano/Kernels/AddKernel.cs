using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>
    /// TFLite's quantized Add (and Sub) with broadcasting: inputs offset by their zero points, shifted left, scaled to a
    /// common scale, summed and requantized. Safe in place.
    /// </summary>
    public sealed class AddKernel : NanoOperator
    {
        public const int SubtractNone = 0, SubtractNegatedMultiplier = 1, SubtractProduct = 2;

        private RoundingMode _rounding;
        private int _subtract, _leftShift;
        private int _m1, _m1Count, _m2, _m2Count, _mo, _moCount, _min, _minCount, _max, _maxCount;
        private Broadcast4D _mapA, _mapB;

        public static AddKernel Read(ModelCursor c, byte[] model, NanoTensor[] inputs, NanoTensor output)
        {
            var k = new AddKernel { Inputs = inputs, Output = output };
            int channels = output.Channels;
            k._rounding = ParamReader.Rounding(c, "rounding");
            int at = c.Position;
            k._subtract = c.ReadByte("subtract");
            if (k._subtract > SubtractProduct) throw new NanoModelException("subtract", "unknown mode " + k._subtract.ToString(), at);
            at = c.Position;
            k._leftShift = c.ReadInt32("leftShift");
            if (k._leftShift < 0 || k._leftShift > 30) throw new NanoModelException("leftShift", "out of range", at);
            k._m1 = ParamReader.Multipliers(c, model, "input1Multipliers", channels, out k._m1Count);
            k._m2 = ParamReader.Multipliers(c, model, "input2Multipliers", channels, out k._m2Count);
            k._mo = ParamReader.Multipliers(c, model, "outputMultipliers", channels, out k._moCount);
            if (k._m1Count == 0 || k._m2Count == 0 || k._moCount == 0) throw new NanoModelException("multipliers", "missing", c.Position);
            k._min = ParamReader.Ints(c, "clampMin", channels, out k._minCount);
            k._max = ParamReader.Ints(c, "clampMax", channels, out k._maxCount);
            k._mapA = new Broadcast4D(inputs[0].Shape, output.Shape);
            k._mapB = new Broadcast4D(inputs[1].Shape, output.Shape);
            return k;
        }

        public override void Invoke(byte[] arena, byte[] model)
        {
            NanoTensor a = Inputs[0], b = Inputs[1];
            byte[] xa = a.Bytes(arena, model), xb = b.Bytes(arena, model), y = Output.Bytes(arena, model);
            int count = _mapA.OutputCount;
            for (int i = 0; i < count; i++)
            {
                int ia = _mapA.Map(i, out int c);
                int ib = _mapB.Map(i, out _);
                int ca = a.Channels == 1 ? 0 : c, cb = b.Channels == 1 ? 0 : c;
                int va = unchecked((ElementTypes.Load(xa, a.Offset, a.Type, ia) - a.ZeroPoint(ca)) * (1 << _leftShift));
                int vb = unchecked((ElementTypes.Load(xb, b.Offset, b.Type, ib) - b.ZeroPoint(cb)) * (1 << _leftShift));
                int m1 = _m1 + (_m1Count == 1 ? 0 : 8 * c), m2 = _m2 + (_m2Count == 1 ? 0 : 8 * c), mo = _mo + (_moCount == 1 ? 0 : 8 * c);
                int sa = FixedPoint.MultiplyByQuantizedMultiplier(va, LittleEndian.ReadInt32(model, m1), LittleEndian.ReadInt32(model, m1 + 4), _rounding);
                // TFLite's builtin SUB negates the multiplier, its reference SUB the product: ties round differently.
                int mb = LittleEndian.ReadInt32(model, m2);
                int sb = FixedPoint.MultiplyByQuantizedMultiplier(vb, _subtract == SubtractNegatedMultiplier ? -mb : mb, LittleEndian.ReadInt32(model, m2 + 4), _rounding);
                int sum = _subtract == SubtractProduct ? unchecked(sa - sb) : unchecked(sa + sb);
                long q = Output.ZeroPoint(c) + (long)FixedPoint.MultiplyByQuantizedMultiplier(sum, LittleEndian.ReadInt32(model, mo), LittleEndian.ReadInt32(model, mo + 4), _rounding);
                ElementTypes.Store(y, Output.Offset, Output.Type, i, ElementTypes.Clamp(q, ParamReader.Pick(model, _min, _minCount, c), ParamReader.Pick(model, _max, _maxCount, c)));
            }
        }
    }
}

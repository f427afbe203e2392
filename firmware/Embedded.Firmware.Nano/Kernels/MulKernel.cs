using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>q = zp_out + M·(a − zp_a)(b − zp_b) with broadcasting (squeeze-excite scaling). Safe in place.</summary>
    public sealed class MulKernel : NanoOperator
    {
        private RoundingMode _rounding;
        private int _mo, _moCount, _min, _minCount, _max, _maxCount;
        private Broadcast4D _mapA, _mapB;

        public static MulKernel Read(ModelCursor c, byte[] model, NanoTensor[] inputs, NanoTensor output)
        {
            var k = new MulKernel { Inputs = inputs, Output = output };
            int channels = output.Channels;
            k._rounding = ParamReader.Rounding(c, "rounding");
            k._mo = ParamReader.Multipliers(c, model, "outputMultipliers", channels, out k._moCount);
            if (k._moCount == 0) throw new NanoModelException("outputMultipliers", "missing", c.Position);
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
            bool wide = a.IsWide || b.IsWide;
            int count = _mapA.OutputCount;
            for (int i = 0; i < count; i++)
            {
                int ia = _mapA.Map(i, out int c);
                int ib = _mapB.Map(i, out _);
                int ca = a.Channels == 1 ? 0 : c, cb = b.Channels == 1 ? 0 : c;
                long product = (long)(ElementTypes.Load(xa, a.Offset, a.Type, ia) - a.ZeroPoint(ca)) * (ElementTypes.Load(xb, b.Offset, b.Type, ib) - b.ZeroPoint(cb));
                int mo = _mo + (_moCount == 1 ? 0 : 8 * c);
                long q = Output.ZeroPoint(c) + (long)OutputStageArithmetic.Requantize(product, LittleEndian.ReadInt32(model, mo), LittleEndian.ReadInt32(model, mo + 4), _rounding, wide);
                ElementTypes.Store(y, Output.Offset, Output.Type, i, ElementTypes.Clamp(q, ParamReader.Pick(model, _min, _minCount, c), ParamReader.Pick(model, _max, _maxCount, c)));
            }
        }
    }
}

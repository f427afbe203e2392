using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>Concatenation along an axis; an input with its own quantization is rescaled on the way (multiplier 0: copied).</summary>
    public sealed class ConcatKernel : NanoOperator
    {
        private int _axis;
        private RoundingMode _rounding;
        private int _multipliers;

        public static ConcatKernel Read(ModelCursor c, byte[] model, NanoTensor[] inputs, NanoTensor output)
        {
            var k = new ConcatKernel { Inputs = inputs, Output = output };
            int at = c.Position;
            k._axis = c.ReadInt32("axis");
            if (k._axis < 0 || k._axis >= output.Shape.Length) throw new NanoModelException("axis", "outside the output's rank", at);
            k._rounding = ParamReader.Rounding(c, "rounding");
            k._multipliers = ParamReader.Multipliers(c, model, "inputMultipliers", inputs.Length, out int count);
            if (count != inputs.Length) throw new NanoModelException("inputMultipliers", "one per input", c.Position);
            return k;
        }

        public override void Invoke(byte[] arena, byte[] model)
        {
            int axisOffset = 0;
            for (int k = 0; k < Inputs.Length; k++)
            {
                CopyOne(arena, model, k, axisOffset);
                axisOffset += Inputs[k].Shape[_axis];
            }
        }

        private void CopyOne(byte[] arena, byte[] model, int k, int axisOffset)
        {
            NanoTensor input = Inputs[k];
            byte[] x = input.Bytes(arena, model), y = Output.Bytes(arena, model);
            int outer = 1, inner = 1;
            for (int d = 0; d < _axis; d++) outer *= Output.Shape[d];
            for (int d = _axis + 1; d < Output.Shape.Length; d++) inner *= Output.Shape[d];
            int inAxis = input.Shape[_axis], outAxis = Output.Shape[_axis];
            int multiplier = LittleEndian.ReadInt32(model, _multipliers + 8 * k), shift = LittleEndian.ReadInt32(model, _multipliers + 8 * k + 4);
            int inZero = input.ZeroPoint(0), outZero = Output.ZeroPoint(0);
            int min = ElementTypes.MinValue(Output.Type), max = ElementTypes.MaxValue(Output.Type);
            for (int o = 0; o < outer; o++)
            for (int i = 0; i < inAxis * inner; i++)
            {
                int v = ElementTypes.Load(x, input.Offset, input.Type, o * inAxis * inner + i);
                int q = multiplier == 0 ? v : ElementTypes.Clamp(outZero + (long)FixedPoint.MultiplyByQuantizedMultiplier(v - inZero, multiplier, shift, _rounding), min, max);
                ElementTypes.Store(y, Output.Offset, Output.Type, (o * outAxis + axisOffset) * inner + i, q);
            }
        }
    }
}

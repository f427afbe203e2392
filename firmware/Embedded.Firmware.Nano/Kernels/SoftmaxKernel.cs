using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>
    /// Softmax over the last axis, in the variant the converter chose: TFLite's builtin (float table, IEEE single),
    /// TFLite Micro's (gemmlowp fixed point), or ours (Q30 table, probability in double). Tables stay in the model bytes.
    /// </summary>
    public sealed class SoftmaxKernel : NanoOperator
    {
        private const int TableSize = 256;
        private int _expTable, _floatTable, _floatCount, _fixedTable, _fixedCount;
        private float _outputScale;
        private int _outputZeroPoint;

        public static SoftmaxKernel Read(ModelCursor c, byte[] model, NanoTensor[] inputs, NanoTensor output)
        {
            var k = new SoftmaxKernel { Inputs = inputs, Output = output };
            c.ReadSingle("beta");
            int expCount = c.ReadCount("expTable.count", TableSize, 4);
            k._expTable = c.Take("expTable", 4 * expCount);
            k._floatCount = c.ReadCount("floatTable.count", TableSize, 4);
            k._floatTable = c.Take("floatTable", 4 * k._floatCount);
            k._fixedCount = c.ReadCount("fixedPointExp.count", TableSize, 4);
            k._fixedTable = c.Take("fixedPointExp", 4 * k._fixedCount);
            if (k._floatCount == 0 && k._fixedCount == 0 && expCount != TableSize)
                throw new NanoModelException("expTable", "needs " + TableSize.ToString() + " entries", c.Position);
            if (inputs[0].Type != ElementTypes.Int8 && inputs[0].Type != ElementTypes.UInt8)
                throw new NanoModelException("input", "softmax reads 8-bit input", c.Position);
            k._outputScale = output.ScaleCount > 0 ? LittleEndian.ReadSingle(model, output.ScalesOffset) : 1f;
            k._outputZeroPoint = output.ZeroPoints.Length > 0 ? output.ZeroPoints[0] : 0;
            return k;
        }

        public override void Invoke(byte[] arena, byte[] model)
        {
            NanoTensor input = Inputs[0];
            byte[] x = input.Bytes(arena, model), y = Output.Bytes(arena, model);
            int depth = input.Channels;
            int rows = input.ElementCount / depth;
            for (int r = 0; r < rows; r++)
            {
                int first = r * depth;
                int max = int.MinValue;
                for (int i = 0; i < depth; i++)
                {
                    int v = ElementTypes.Load(x, input.Offset, input.Type, first + i);
                    if (v > max) max = v;
                }
                if (_floatCount != 0) FloatRow(x, y, model, first, depth, max);
                else if (_fixedCount != 0) FixedPointRow(x, y, model, first, depth, max);
                else TableRow(x, y, model, first, depth, max);
            }
        }

        private int Diff(byte[] x, int index, int max) => max - ElementTypes.Load(x, Inputs[0].Offset, Inputs[0].Type, index);

        /// <summary>TFLite's optimized 8-bit softmax: float table entries summed in order, q = round(e · 1/(Σe·s)) + zp.</summary>
        private void FloatRow(byte[] x, byte[] y, byte[] model, int first, int depth, int max)
        {
            // table[255 − (max − x)] = exp(−β·s·(max − x)).
            float sum = 0f;
            for (int i = 0; i < depth; i++) sum += LittleEndian.ReadSingle(model, _floatTable + 4 * (255 - Diff(x, first + i, max)));
            float inverse = 1.0f / (sum * _outputScale);
            int min = ElementTypes.MinValue(Output.Type), maxValue = ElementTypes.MaxValue(Output.Type);
            for (int i = 0; i < depth; i++)
            {
                float rescaled = LittleEndian.ReadSingle(model, _floatTable + 4 * (255 - Diff(x, first + i, max))) * inverse;
                long q = (long)FloatBits.RoundHalfAway(rescaled) + _outputZeroPoint;
                ElementTypes.Store(y, Output.Offset, Output.Type, first + i, ElementTypes.Clamp(q, min, maxValue));
            }
        }

        /// <summary>TFLite's reference (TFLite Micro) softmax: Q0.31 exponentials, Σ in 12 integer bits, reciprocal, shift to the output bits.</summary>
        private void FixedPointRow(byte[] x, byte[] y, byte[] model, int first, int depth, int max)
        {
            const int accumulationIntegerBits = 12;
            int sum = 0;
            for (int i = 0; i < depth; i++)
                sum = unchecked(sum + FixedPoint.RoundingDivideByPOT(FixedExp(model, Diff(x, first + i, max)), accumulationIntegerBits));
            int scale = GemmlowpFixedPoint.GetReciprocal(sum, accumulationIntegerBits, out int numBitsOverUnit);
            int bits = 8 * ElementTypes.SizeInBytes(Output.Type);
            int exponent = numBitsOverUnit + 31 - bits;
            int min = ElementTypes.MinValue(Output.Type), maxValue = ElementTypes.MaxValue(Output.Type);
            for (int i = 0; i < depth; i++)
            {
                int product = FixedPoint.SaturatingRoundingDoublingHighMul(scale, FixedExp(model, Diff(x, first + i, max)));
                // A shift of 32 or more leaves less than one unit: the product is below 2^31.
                int unsaturated = exponent >= 32 ? 0 : exponent <= 0 ? product : FixedPoint.RoundingDivideByPOT(product, exponent);
                ElementTypes.Store(y, Output.Offset, Output.Type, first + i, ElementTypes.Clamp((long)unsaturated + min, min, maxValue));
            }
        }

        // Entries past the stored ones are exp of a difference beyond the input radius: 0.
        private int FixedExp(byte[] model, int diff) => diff < _fixedCount ? LittleEndian.ReadInt32(model, _fixedTable + 4 * diff) : 0;

        /// <summary>Ours: e = table[max − x] (Q30), p = e / Σe in double; float output stores p, else zp + round(p / s).</summary>
        private void TableRow(byte[] x, byte[] y, byte[] model, int first, int depth, int max)
        {
            long sum = 0;
            for (int i = 0; i < depth; i++) sum += LittleEndian.ReadInt32(model, _expTable + 4 * Diff(x, first + i, max));
            bool isFloat = Output.Type == ElementTypes.Float32;
            int min = isFloat ? 0 : ElementTypes.MinValue(Output.Type), maxValue = isFloat ? 0 : ElementTypes.MaxValue(Output.Type);
            for (int i = 0; i < depth; i++)
            {
                double probability = (double)LittleEndian.ReadInt32(model, _expTable + 4 * Diff(x, first + i, max)) / sum;
                if (isFloat) FloatBits.WriteSingle(y, Output.Offset + 4 * (first + i), (float)probability);
                else
                {
                    double q = FloatBits.RoundHalfAway(probability / _outputScale) + _outputZeroPoint;
                    q = q < min ? min : q > maxValue ? maxValue : q;
                    ElementTypes.Store(y, Output.Offset, Output.Type, first + i, (int)q);
                }
            }
        }
    }
}

using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Kernels;
using Embedded.Runtime.Model;

namespace Embedded.Firmware.Nano.Model
{
    /// <summary>
    /// Reads an .emb file (docs/model-format.md) into tensors, ready operators and the memory plan. The file's bytes are
    /// kept, not copied: weights, biases, multipliers, clamps and tables are read in place when an operator runs. The
    /// checks are those that keep a damaged file from running (magic, version, length, CRC-32, counts, offsets, plan
    /// bounds); the graph's shapes were validated by the converter that wrote it.
    /// </summary>
    public sealed class NanoModel
    {
        private const int HeaderBytes = 16;
        private const int VersionMajor = 2;
        private const int KindTensors = 2, KindOperators = 3, KindPlan = 4, KindData = 5;
        private const uint OptionalSectionBit = 0x80000000u;
        /// <summary>The optional row-band plan `emb convert --ram-budget` writes for this runtime (docs/model-format.md).</summary>
        public const uint KindMicroPlan = 0x80000001u;
        private const int MaxRank = 6;

        public byte[] Bytes;
        public NanoTensor[] Tensors;
        public NanoOperator[] Operators;
        public int[] Inputs;
        public int[] Outputs;
        public int ArenaBytes;
        /// <summary>The first operators, run row by row (null: every operator runs whole).</summary>
        public RowOperator[] Chain;

        public static NanoModel Read(byte[] file)
        {
            if (file == null) throw new System.ArgumentNullException("file");
            if (file.Length < HeaderBytes + 4) throw new NanoModelException("header", "file too short", 0);
            if (file[0] != (byte)'E' || file[1] != (byte)'M' || file[2] != (byte)'B' || file[3] != (byte)'D')
                throw new NanoModelException("header.magic", "not an .emb model", 0);
            if (LittleEndian.ReadUInt16(file, 4) != VersionMajor) throw new NanoModelException("header.version", "format version not supported", 4);
            if (LittleEndian.ReadInt32(file, 8) != file.Length) throw new NanoModelException("header.fileLength", "truncated or padded", 8);
            if ((uint)LittleEndian.ReadInt32(file, 12) != Crc32.Compute(file, HeaderBytes, file.Length - HeaderBytes))
                throw new NanoModelException("header.crc32", "checksum mismatch: the file is corrupt", 12);

            int[] start = new int[6], length = new int[6];
            int microStart = -1, microLength = 0;
            var directory = new ModelCursor(file, HeaderBytes, file.Length - HeaderBytes);
            int sections = directory.ReadCount("directory.sectionCount", 32, 12);
            for (int i = 0; i < sections; i++)
            {
                uint kind = (uint)directory.ReadInt32("directory.kind");
                int offset = directory.ReadInt32("directory.offset"), bytes = directory.ReadInt32("directory.length");
                if (offset < HeaderBytes || bytes < 0 || (long)offset + bytes > file.Length)
                    throw new NanoModelException("directory", "bad section entry", directory.Position - 12);
                if (kind == KindMicroPlan) { microStart = offset; microLength = bytes; continue; }
                if ((kind & OptionalSectionBit) != 0 || kind == 1) continue; // metadata and other optional sections: not needed here
                if (kind > KindData) throw new NanoModelException("directory", "unknown required section", directory.Position - 12);
                start[kind] = offset;
                length[kind] = bytes;
            }
            for (int kind = KindTensors; kind <= KindData; kind++)
                if (start[kind] == 0) throw new NanoModelException("directory", "a required section is missing", HeaderBytes);

            var model = new NanoModel { Bytes = file };
            model.ReadTensors(new ModelCursor(file, start[KindTensors], length[KindTensors]), start[KindData], length[KindData]);
            model.ReadPlan(new ModelCursor(file, start[KindPlan], length[KindPlan]));
            model.ReadOperators(new ModelCursor(file, start[KindOperators], length[KindOperators]));
            if (microStart >= 0) model.ReadMicroPlan(new ModelCursor(file, microStart, microLength));
            return model;
        }

        private void ReadTensors(ModelCursor c, int dataStart, int dataLength)
        {
            int count = c.ReadCount("tensors.count", 1 << 16, 8);
            Tensors = new NanoTensor[count];
            for (int i = 0; i < count; i++)
            {
                var t = new NanoTensor();
                c.SkipString("tensor.name");
                int at = c.Position;
                t.Type = c.ReadByte("tensor.type");
                if (t.Type < ElementTypes.Int8 || t.Type > ElementTypes.Int64) throw new NanoModelException("tensor.type", "unknown element type", at);
                int rank = c.ReadByte("tensor.rank");
                if (rank > MaxRank) throw new NanoModelException("tensor.rank", "rank above 6", at + 1);
                t.IsConstant = c.ReadByte("tensor.isConstant") == 1;
                int quantKind = c.ReadByte("tensor.quantization.kind");
                t.Shape = Intern(c.ReadInt32Array("tensor.shape", rank), i);
                long elements = 1;
                for (int d = 0; d < rank; d++)
                {
                    if (t.Shape[d] < 0) throw new NanoModelException("tensor.shape", "negative dimension", at);
                    elements *= t.Shape[d];
                    if (elements > 1 << 30) throw new NanoModelException("tensor.shape", "too many elements", at);
                }
                t.ByteLength = (int)elements * ElementTypes.SizeInBytes(t.Type);
                t.ZeroPoints = NoZeroPoints;
                if (quantKind > 2) throw new NanoModelException("tensor.quantization.kind", "unknown kind", at + 3);
                if (quantKind != 0)
                {
                    if (quantKind == 2) c.ReadInt32("tensor.quantization.axis");
                    int n = c.ReadCount("tensor.quantization.count", 1 << 16, 8);
                    t.ScaleCount = n;
                    t.ScalesOffset = c.Take("tensor.quantization.scales", 4 * n);
                    t.ZeroPoints = Intern(Collapse(c.ReadInt32Array("tensor.quantization.zeroPoints", n)), i);
                }
                if (t.IsConstant)
                {
                    int fieldAt = c.Position;
                    int offset = c.ReadInt32("tensor.dataOffset"), bytes = c.ReadInt32("tensor.dataLength");
                    if (offset < 0 || bytes != t.ByteLength || (long)offset + bytes > dataLength)
                        throw new NanoModelException("tensor.dataOffset", "data outside the Data section or of the wrong length", fieldAt);
                    t.Offset = dataStart + offset;
                }
                Tensors[i] = t;
            }
            c.ExpectEnd("tensors");
        }

        private static readonly int[] NoZeroPoints = new int[0];

        /// <summary>
        /// An equal array already held by one of the first <paramref name="count"/> tensors, else <paramref name="values"/>:
        /// shapes and zero points repeat across a model, and each array is a heap object on the device.
        /// </summary>
        private int[] Intern(int[] values, int count)
        {
            for (int i = 0; i < count; i++)
            {
                if (SameValues(Tensors[i].Shape, values)) return Tensors[i].Shape;
                if (SameValues(Tensors[i].ZeroPoints, values)) return Tensors[i].ZeroPoints;
            }
            return values;
        }

        private static bool SameValues(int[] a, int[] b)
        {
            if (a == null || a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
            return true;
        }

        /// <summary>
        /// Per-channel zero points that are all equal (symmetric int8 weights: all 0) kept as one: the same values, and a
        /// MobileNet's thousands of channels would otherwise hold kilobytes of zeros in RAM.
        /// </summary>
        private static int[] Collapse(int[] zeroPoints)
        {
            for (int i = 1; i < zeroPoints.Length; i++)
                if (zeroPoints[i] != zeroPoints[0]) return zeroPoints;
            return zeroPoints.Length <= 1 ? zeroPoints : new[] { zeroPoints[0] };
        }

        private void ReadPlan(ModelCursor c)
        {
            ArenaBytes = c.ReadCount("plan.arenaBytes", 1 << 30, 0);
            int at = c.Position;
            int[] offsets = c.ReadInt32Array("plan.offsets", c.ReadCount("plan.offsets.count", 1 << 16, 4));
            if (offsets.Length != Tensors.Length) throw new NanoModelException("plan.offsets", "one offset per tensor", at);
            for (int i = 0; i < offsets.Length; i++)
            {
                var t = Tensors[i];
                if (t.IsConstant || offsets[i] < 0) continue; // constants, and tensors nothing reads, are not in the arena
                if ((long)offsets[i] + t.ByteLength > ArenaBytes) throw new NanoModelException("plan.offsets", "tensor " + i.ToString() + " lies outside the arena", at + 4 + 4 * i);
                t.Offset = offsets[i];
            }
            c.ExpectEnd("plan");
        }

        private void ReadOperators(ModelCursor c)
        {
            Inputs = TensorList(c, "graph.inputs");
            Outputs = TensorList(c, "graph.outputs");
            int count = c.ReadCount("operators.count", 1 << 16, 12);
            Operators = new NanoOperator[count];
            for (int i = 0; i < count; i++)
            {
                int at = c.Position;
                int code = c.ReadUInt16("operator.code");
                c.SkipString("operator.name");
                int[] inputs = IoList(c, "operator.inputs");
                int[] outputs = IoList(c, "operator.outputs");
                int paramLength = c.ReadCount("operator.params.length", c.Remaining, 1);
                var parameters = new ModelCursor(Bytes, c.Take("operator.params", paramLength), paramLength);
                if (outputs.Length != 1 || outputs[0] < 0) throw new NanoModelException("operator.outputs", "needs exactly one output", at);
                var operands = new NanoTensor[inputs.Length];
                for (int k = 0; k < inputs.Length; k++) operands[k] = inputs[k] < 0 ? null : Tensors[inputs[k]];
                NanoOperator op = Create(code, parameters, operands, Tensors[outputs[0]], at);
                parameters.ExpectEnd("operator.params");
                Operators[i] = op;
            }
            c.ExpectEnd("operators");
        }

        /// <summary>
        /// The row-band plan: its own arena and offsets, replacing the Plan section's, and the first operators to stream
        /// with the rows each intermediate keeps. Checked here: a chain of row-capable operators, each reading the one
        /// before, batch 1, every ring at least as tall as its reader's kernel, every buffer inside the arena.
        /// </summary>
        private void ReadMicroPlan(ModelCursor c)
        {
            int arena = c.ReadCount("microPlan.arenaBytes", 1 << 30, 0);
            int at = c.Position;
            int[] offsets = c.ReadInt32Array("microPlan.offsets", c.ReadCount("microPlan.offsets.count", 1 << 16, 4));
            if (offsets.Length != Tensors.Length) throw new NanoModelException("microPlan.offsets", "one offset per tensor", at);
            int chainLength = c.ReadCount("microPlan.chainLength", Operators.Length, 4);
            int[] rings = c.ReadInt32Array("microPlan.ringRows", chainLength);
            c.ExpectEnd("microPlan");
            var chain = new RowOperator[chainLength];
            int[] ringBytes = new int[Tensors.Length];
            for (int k = 0; k < chainLength; k++)
            {
                var op = Operators[k] as RowOperator;
                if (op == null || op.Inputs[0].Shape[0] != 1 || (k > 0 && op.Inputs[0] != chain[k - 1].Output))
                    throw new NanoModelException("microPlan.chainLength", "operator " + k.ToString() + " cannot be streamed after the one before it", at);
                chain[k] = op;
                bool last = k == chainLength - 1;
                if (last ? rings[k] != 0 : rings[k] < 1 || rings[k] > op.OutputRows)
                    throw new NanoModelException("microPlan.ringRows", "ring " + k.ToString() + " is out of range", at);
            }
            for (int k = 0; k + 1 < chainLength; k++)
            {
                if (rings[k] < chain[k].OutputRows && rings[k] < chain[k + 1].Extent)
                    throw new NanoModelException("microPlan.ringRows", "ring " + k.ToString() + " is shorter than its reader's kernel", at);
                chain[k].OutputRing = rings[k];
                chain[k + 1].InputRing = rings[k];
                var t = chain[k].Output;
                for (int i = 0; i < Tensors.Length; i++)
                    if (Tensors[i] == t) ringBytes[i] = t.ByteLength / t.Shape[1] * rings[k];
            }
            for (int i = 0; i < Tensors.Length; i++)
            {
                var t = Tensors[i];
                if (t.IsConstant || offsets[i] < 0) continue;
                int bytes = ringBytes[i] > 0 ? ringBytes[i] : t.ByteLength;
                if ((long)offsets[i] + bytes > arena) throw new NanoModelException("microPlan.offsets", "tensor " + i.ToString() + " lies outside the arena", at);
                t.Offset = offsets[i];
            }
            ArenaBytes = arena;
            Chain = chainLength > 0 ? chain : null;
        }

        /// <summary>True for the operator codes this runtime has (Conv2D … Dequantize: 1–15 of the format).</summary>
        public static bool Supports(int code) => code >= (int)OperatorCode.Conv2D && code <= (int)OperatorCode.Dequantize;

        private NanoOperator Create(int code, ModelCursor p, NanoTensor[] inputs, NanoTensor output, int at)
        {
            // Optional trailing inputs (no bias) are dropped; a missing required one is refused.
            var kind = (OperatorCode)code;
            int required = kind == OperatorCode.Conv2D || kind == OperatorCode.DepthwiseConv2D || kind == OperatorCode.FullyConnected
                || kind == OperatorCode.Add || kind == OperatorCode.Mul ? 2 : 1;
            int present = inputs.Length;
            while (present > required && inputs[present - 1] == null) present--;
            if (present < required) throw new NanoModelException("operator.inputs", "too few inputs", at);
            for (int k = 0; k < present; k++)
                if (inputs[k] == null) throw new NanoModelException("operator.inputs", "input " + k.ToString() + " is missing", at);
            if (present != inputs.Length)
            {
                var trimmed = new NanoTensor[present];
                for (int k = 0; k < present; k++) trimmed[k] = inputs[k];
                inputs = trimmed;
            }
            switch (kind)
            {
                case OperatorCode.Conv2D: return Conv2DKernel.Read(p, Bytes, inputs, output);
                case OperatorCode.DepthwiseConv2D: return DepthwiseConv2DKernel.Read(p, Bytes, inputs, output);
                case OperatorCode.FullyConnected: return FullyConnectedKernel.Read(p, Bytes, inputs, output);
                case OperatorCode.Add: return AddKernel.Read(p, Bytes, inputs, output);
                case OperatorCode.Mul: return MulKernel.Read(p, Bytes, inputs, output);
                case OperatorCode.AveragePool2D: return Pool2DKernel.Read(p, Bytes, inputs, output, false);
                case OperatorCode.MaxPool2D: return Pool2DKernel.Read(p, Bytes, inputs, output, true);
                case OperatorCode.GlobalAveragePool: return GlobalAveragePoolKernel.Read(p, Bytes, inputs, output);
                case OperatorCode.TableLookup: return TableLookupKernel.Read(p, Bytes, inputs, output);
                case OperatorCode.Concat: return ConcatKernel.Read(p, Bytes, inputs, output);
                case OperatorCode.Reshape: return new ReshapeKernel { Inputs = inputs, Output = output };
                case OperatorCode.Pad: return PadKernel.Read(p, Bytes, inputs, output);
                case OperatorCode.Softmax: return SoftmaxKernel.Read(p, Bytes, inputs, output);
                case OperatorCode.Quantize: return QuantizeKernel.Read(p, Bytes, inputs, output);
                case OperatorCode.Dequantize: return DequantizeKernel.Create(inputs, output, at);
                default:
                    // Resize, ArgMax, GatherChannels, DetectionPostProcess, InterpolatedTable: desktop and Pi only.
                    throw new NanoModelException("operator.code", "operator " + code.ToString() + " is not in the microcontroller runtime", at);
            }
        }

        private int[] TensorList(ModelCursor c, string field)
        {
            int at = c.Position;
            int[] list = c.ReadInt32Array(field, c.ReadCount(field + ".count", 64, 4));
            for (int i = 0; i < list.Length; i++)
                if (list[i] < 0 || list[i] >= Tensors.Length) throw new NanoModelException(field, "tensor index out of range", at);
            return list;
        }

        private int[] IoList(ModelCursor c, string field)
        {
            int at = c.Position;
            int count = c.ReadByte(field + ".count");
            if (count > 64) throw new NanoModelException(field, "too many", at);
            int[] list = c.ReadInt32Array(field, count);
            for (int i = 0; i < list.Length; i++)
                if (list[i] < -1 || list[i] >= Tensors.Length) throw new NanoModelException(field, "tensor index out of range", at);
            return list;
        }
    }
}

namespace Embedded.Firmware.Nano.Model
{
    /// <summary>
    /// One tensor of the model: an activation at <see cref="Offset"/> in the arena, or a constant at <see cref="Offset"/>
    /// in the model bytes (weights are read where they are, never copied). Scales stay in the model bytes too.
    /// </summary>
    public sealed class NanoTensor
    {
        public int Type;
        public int[] Shape;
        public bool IsConstant;
        /// <summary>Byte offset in the arena (activations) or in the model file (constants).</summary>
        public int Offset;
        public int ByteLength;
        /// <summary>Zero points: none, one, or one per channel (the last dimension).</summary>
        public int[] ZeroPoints;
        /// <summary>Where the float scales start in the model file, and how many there are (0: not quantized).</summary>
        public int ScalesOffset;
        public int ScaleCount;

        public int ElementCount => ByteLength / ElementTypes.SizeInBytes(Type);
        public int Channels => Shape.Length == 0 ? 1 : Shape[Shape.Length - 1];
        public bool IsWide => Type == ElementTypes.Int16;

        public int ZeroPoint(int channel) =>
            ZeroPoints.Length == 0 ? 0 : ZeroPoints.Length == 1 ? ZeroPoints[0] : ZeroPoints[channel];

        /// <summary>The bytes this tensor lives in: the model's for constants, else the arena.</summary>
        public byte[] Bytes(byte[] arena, byte[] model) => IsConstant ? model : arena;
    }
}

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>
    /// A spatial operator (Conv2D, DepthwiseConv2D, pools) that can compute a range of its output rows on its own, reading
    /// and writing tensors that may be ring buffers of a few rows: row r of a tensor held in a ring of R rows is at slot
    /// r mod R. With rings as tall as the tensors (the default) this is the plain whole-tensor layout. The row streamer
    /// (Execution/RowStreamer.cs) runs a chain of these row by row, so the chain's intermediates never exist whole.
    /// </summary>
    public abstract class RowOperator : NanoOperator
    {
        /// <summary>Rows of the input / output the buffers hold (0: the whole tensor).</summary>
        public int InputRing, OutputRing;

        protected int StrideH, StrideW, DilationH = 1, DilationW = 1, PadTop, PadLeft, ExtentH;

        /// <summary>
        /// The window parameters convolutions and pools share (their .emb encoding: strides, then dilations where the
        /// operator has them, then top/left/bottom/right padding); every one checked to be at least 1, paddings at least 0.
        /// </summary>
        protected void ReadWindow(Format.ModelCursor c, bool dilated)
        {
            int at = c.Position;
            StrideH = c.ReadInt32("strideH"); StrideW = c.ReadInt32("strideW");
            if (dilated) { DilationH = c.ReadInt32("dilationH"); DilationW = c.ReadInt32("dilationW"); }
            PadTop = c.ReadInt32("padding.top"); PadLeft = c.ReadInt32("padding.left");
            int bottom = c.ReadInt32("padding.bottom"), right = c.ReadInt32("padding.right");
            if (StrideH < 1 || StrideW < 1 || DilationH < 1 || DilationW < 1 || PadTop < 0 || PadLeft < 0 || bottom < 0 || right < 0)
                throw new Format.NanoModelException("params", "strides and dilations must be positive, paddings not negative", at);
        }

        public int InputRows => Inputs[0].Shape[1];
        public int OutputRows => Output.Shape[1];

        /// <summary>Rows of the input one output row reads (the kernel's height, dilated).</summary>
        public int Extent => ExtentH;

        /// <summary>The last input row output row <paramref name="row"/> reads (clipped to the input).</summary>
        public int LastInputRow(int row)
        {
            int last = row * StrideH - PadTop + ExtentH - 1;
            return last < InputRows - 1 ? last : InputRows - 1;
        }

        public override void Invoke(byte[] arena, byte[] model) => InvokeRows(arena, model, 0, OutputRows);

        /// <summary>Computes output rows [<paramref name="first"/>, <paramref name="end"/>) of every image.</summary>
        public abstract void InvokeRows(byte[] arena, byte[] model, int first, int end);

        protected int InRing => InputRing > 0 ? InputRing : InputRows;
        protected int OutRing => OutputRing > 0 ? OutputRing : OutputRows;
    }
}

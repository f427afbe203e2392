namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>
    /// Maps an output element of an elementwise operator to the element of one operand (rank ≤ 4, right-aligned, size-1
    /// dimensions broadcast), as the main runtime's Broadcast4D. Built once at load.
    /// </summary>
    public sealed class Broadcast4D
    {
        private readonly int _d1, _d2, _d3;
        private readonly int _s0, _s1, _s2, _s3;

        public Broadcast4D(int[] shape, int[] outShape)
        {
            int[] dims = { 1, 1, 1, 1 }, outDims = { 1, 1, 1, 1 };
            for (int i = 0; i < shape.Length; i++) dims[4 - shape.Length + i] = shape[i];
            for (int i = 0; i < outShape.Length; i++) outDims[4 - outShape.Length + i] = outShape[i];
            _s3 = dims[3] == 1 ? 0 : 1;
            _s2 = dims[2] == 1 ? 0 : dims[3];
            _s1 = dims[1] == 1 ? 0 : dims[3] * dims[2];
            _s0 = dims[0] == 1 ? 0 : dims[3] * dims[2] * dims[1];
            _d1 = outDims[1]; _d2 = outDims[2]; _d3 = outDims[3];
            OutputCount = outDims[0] * _d1 * _d2 * _d3;
        }

        public int OutputCount { get; }

        /// <summary>The operand's flat index for output element <paramref name="outIndex"/>; <paramref name="channel"/> is its last coordinate.</summary>
        public int Map(int outIndex, out int channel)
        {
            int c = outIndex % _d3; int rest = outIndex / _d3;
            int w = rest % _d2; rest /= _d2;
            int h = rest % _d1; int n = rest / _d1;
            channel = c;
            return n * _s0 + h * _s1 + w * _s2 + c * _s3;
        }
    }
}

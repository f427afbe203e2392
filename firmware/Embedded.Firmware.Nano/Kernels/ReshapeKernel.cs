using System;
using Embedded.Firmware.Nano.Model;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>Reshape / Flatten: the bytes stay as they are; in place there is nothing to do.</summary>
    public sealed class ReshapeKernel : NanoOperator
    {
        public override void Invoke(byte[] arena, byte[] model)
        {
            NanoTensor input = Inputs[0];
            byte[] source = input.Bytes(arena, model), target = Output.Bytes(arena, model);
            if (source == target && input.Offset == Output.Offset) return;
            Array.Copy(source, input.Offset, target, Output.Offset, Output.ByteLength);
        }
    }
}

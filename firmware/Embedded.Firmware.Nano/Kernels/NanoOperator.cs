using Embedded.Firmware.Nano.Model;

namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>
    /// One operator, ready to run: its tensors and parameters were read and checked at load; <see cref="Invoke"/> only
    /// computes (no allocation). Each kernel is the main runtime's reference loop over byte arrays instead of spans.
    /// </summary>
    public abstract class NanoOperator
    {
        public string Name;
        public NanoTensor[] Inputs;
        public NanoTensor Output;

        public abstract void Invoke(byte[] arena, byte[] model);

        public NanoTensor Input(int index) => Inputs[index];
    }
}

using System;
using Embedded.Firmware.Nano.Format;
using Embedded.Firmware.Nano.Kernels;
using Embedded.Firmware.Nano.Model;

namespace Embedded.Firmware.Nano.Execution
{
    /// <summary>
    /// Runs an .emb model on a microcontroller: one arena of the size the model's memory plan gives, allocated once; the
    /// operators in order; nothing allocated per inference. The model bytes (flash, or a resource) are only read.
    /// </summary>
    public sealed class NanoInterpreter
    {
        private readonly NanoModel _model;
        private readonly RowStreamer _streamer;

        public NanoInterpreter(byte[] model)
        {
            _model = NanoModel.Read(model);
            Arena = new byte[_model.ArenaBytes];
            if (_model.Chain != null) _streamer = new RowStreamer(_model.Chain);
        }

        /// <summary>Every activation lives here, at the offsets of the model's plan.</summary>
        public byte[] Arena { get; }

        public int ArenaBytes => Arena.Length;
        public int OperatorCount => _model.Operators.Length;
        public int InputCount => _model.Inputs.Length;
        public int OutputCount => _model.Outputs.Length;

        public NanoTensor Input(int index) => _model.Tensors[_model.Inputs[index]];
        public NanoTensor Output(int index) => _model.Tensors[_model.Outputs[index]];

        /// <summary>Copies <paramref name="data"/> (exactly the input's byte length) into input <paramref name="index"/>.</summary>
        public void SetInput(int index, byte[] data)
        {
            NanoTensor input = Input(index);
            if (data == null) throw new ArgumentNullException("data");
            if (data.Length != input.ByteLength) throw new ArgumentException("input " + index.ToString() + " takes " + input.ByteLength.ToString() + " bytes, not " + data.Length.ToString());
            Array.Copy(data, 0, Arena, input.Offset, data.Length);
        }

        /// <summary>Copies output <paramref name="index"/> into <paramref name="destination"/> (at least its byte length).</summary>
        public void GetOutput(int index, byte[] destination)
        {
            NanoTensor output = Output(index);
            if (destination == null) throw new ArgumentNullException("destination");
            if (destination.Length < output.ByteLength) throw new ArgumentException("output " + index.ToString() + " has " + output.ByteLength.ToString() + " bytes");
            Array.Copy(output.Bytes(Arena, _model.Bytes), output.Offset, destination, 0, output.ByteLength);
        }

        /// <summary>One inference.</summary>
        public void Invoke()
        {
            NanoOperator[] operators = _model.Operators;
            int first = 0;
            if (_streamer != null)
            {
                _streamer.Run(Arena, _model.Bytes);
                first = _streamer.Length;
            }
            for (int i = first; i < operators.Length; i++) operators[i].Invoke(Arena, _model.Bytes);
        }

        /// <summary>How many of the first operators run row by row (0: none).</summary>
        public int StreamedOperators => _streamer == null ? 0 : _streamer.Length;
    }
}

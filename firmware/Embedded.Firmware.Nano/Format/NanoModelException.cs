using System;

namespace Embedded.Firmware.Nano.Format
{
    /// <summary>An .emb file this runtime cannot run: a defect in the file (naming the field and its offset) or an operator it does not have.</summary>
    public class NanoModelException : Exception
    {
        public string Field { get; }
        public int Offset { get; }

        public NanoModelException(string field, string problem, int offset)
            : base(field + " (offset " + offset.ToString() + "): " + problem)
        {
            Field = field;
            Offset = offset;
        }
    }
}

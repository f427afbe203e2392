namespace Embedded.Firmware.Nano.Format
{
    /// <summary>Reads a section of the .emb file in order; every read is bounds-checked against the section's end.</summary>
    public sealed class ModelCursor
    {
        private readonly byte[] _file;
        private readonly int _end;

        public ModelCursor(byte[] file, int start, int length)
        {
            _file = file;
            Position = start;
            _end = start + length;
        }

        /// <summary>Absolute offset in the file of the next byte to read.</summary>
        public int Position { get; private set; }

        public int Remaining => _end - Position;

        public int Take(string field, int bytes)
        {
            if (bytes < 0 || bytes > Remaining) throw new NanoModelException(field, "needs " + bytes.ToString() + " bytes, " + Remaining.ToString() + " left", Position);
            int at = Position;
            Position += bytes;
            return at;
        }

        public int ReadByte(string field) => _file[Take(field, 1)];

        public int ReadUInt16(string field) => LittleEndian.ReadUInt16(_file, Take(field, 2));

        public int ReadInt32(string field) => LittleEndian.ReadInt32(_file, Take(field, 4));

        public float ReadSingle(string field) => LittleEndian.ReadSingle(_file, Take(field, 4));

        /// <summary>A count of elements of at least <paramref name="bytesEach"/> bytes, checked against what is left (and <paramref name="max"/>).</summary>
        public int ReadCount(string field, int max, int bytesEach)
        {
            int at = Position;
            int count = ReadInt32(field);
            if (count < 0 || count > max || (bytesEach > 0 && (long)count * bytesEach > Remaining))
                throw new NanoModelException(field, "count " + count.ToString() + " is out of range", at);
            return count;
        }

        public void SkipString(string field) => Take(field, ReadCount(field + ".length", Remaining, 1));

        public int[] ReadInt32Array(string field, int count)
        {
            int at = Take(field, count * 4);
            var values = new int[count];
            for (int i = 0; i < count; i++) values[i] = LittleEndian.ReadInt32(_file, at + 4 * i);
            return values;
        }

        public void ExpectEnd(string field)
        {
            if (Remaining != 0) throw new NanoModelException(field, Remaining.ToString() + " unexpected trailing bytes", Position);
        }
    }
}

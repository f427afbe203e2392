using System.Globalization;
using System.Text;

namespace Embedded.Firmware.Commands;

/// <summary>JSON string literals, escaped per RFC 8259 (labels and file names may hold quotes or control characters).</summary>
internal static class JsonText
{
    public static void AppendString(StringBuilder s, string value)
    {
        s.Append('"');
        foreach (char ch in value)
        {
            switch (ch)
            {
                case '"': s.Append("\\\""); break;
                case '\\': s.Append("\\\\"); break;
                case '\n': s.Append("\\n"); break;
                case '\r': s.Append("\\r"); break;
                case '\t': s.Append("\\t"); break;
                default:
                    if (ch < 0x20) s.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    else s.Append(ch);
                    break;
            }
        }
        s.Append('"');
    }
}

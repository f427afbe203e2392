namespace Embedded.Runtime.Planning;

/// <summary>A buffer the planner must place: its size and the inclusive span of operator steps it is live.</summary>
public readonly struct BufferRequest
{
    public int SizeBytes { get; }
    public int FirstUse { get; }
    public int LastUse { get; }

    public BufferRequest(int sizeBytes, int firstUse, int lastUse)
    {
        if (sizeBytes < 0) throw new System.ArgumentOutOfRangeException(nameof(sizeBytes));
        if (lastUse < firstUse) throw new System.ArgumentException($"last use {lastUse} precedes first use {firstUse}");
        SizeBytes = sizeBytes;
        FirstUse = firstUse;
        LastUse = lastUse;
    }

    public bool LiveTogetherWith(BufferRequest other) => FirstUse <= other.LastUse && other.FirstUse <= LastUse;

    public override string ToString() => $"{SizeBytes} B live [{FirstUse}, {LastUse}]";
}

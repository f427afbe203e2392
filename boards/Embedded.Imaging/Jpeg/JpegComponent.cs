namespace Embedded.Imaging.Jpeg;

/// <summary>One colour component of a JPEG frame: sampling, quantization table and its coefficient blocks.</summary>
internal sealed class JpegComponent
{
    public int Id;
    public int H, V;
    public int QuantTable;
    /// <summary>Blocks that hold image data (ceil of the downsampled size / 8).</summary>
    public int BlocksPerLine, BlocksPerColumn;
    /// <summary>Blocks including the padding of whole MCUs (interleaved scans decode these).</summary>
    public int PaddedBlocksPerLine, PaddedBlocksPerColumn;
    /// <summary>Downsampled size in samples: ceil(image size · factor / max factor).</summary>
    public int Width, Height;
    public short[] Coefficients = System.Array.Empty<short>();
    public int DcPredictor;
    public HuffmanTable? DcTable, AcTable;

    public int BlockOffset(int row, int col) => (row * PaddedBlocksPerLine + col) * 64;
}

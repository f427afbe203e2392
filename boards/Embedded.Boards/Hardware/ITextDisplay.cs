using System;

namespace Embedded.Boards.Hardware;

/// <summary>A small text display on the board (a character LCD): rows of fixed width.</summary>
public interface ITextDisplay : IDisposable
{
    int Columns { get; }
    int Rows { get; }

    /// <summary>Shows <paramref name="text"/> on row <paramref name="row"/>, cut or padded to <see cref="Columns"/>; an unchanged row is not sent again.</summary>
    void Show(int row, ReadOnlySpan<char> text);
}

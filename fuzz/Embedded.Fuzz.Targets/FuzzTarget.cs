using System;

namespace Embedded.Fuzz.Targets;

/// <summary>
/// One parser under fuzzing: <see cref="Run"/> feeds it bytes; <see cref="IsRefusal"/> says which exceptions are the
/// clean, typed refusal its callers handle. Anything else escaping <see cref="Run"/> — an IndexOutOfRange, a
/// NullReference, an OverflowException, an OutOfMemory from an allocation sized by the input — is a crash.
/// </summary>
public sealed class FuzzTarget
{
    private readonly Action<byte[]> _run;
    private readonly Func<Exception, bool> _isRefusal;

    public FuzzTarget(string name, string description, Action<byte[]> run, Func<Exception, bool> isRefusal)
    {
        Name = name;
        Description = description;
        _run = run;
        _isRefusal = isRefusal;
    }

    public string Name { get; }
    public string Description { get; }

    public bool IsRefusal(Exception e) => _isRefusal(e);

    /// <summary>Runs the input; a refusal is swallowed, any other exception propagates (the fuzzer's crash signal).</summary>
    public void Run(byte[] input)
    {
        try
        {
            _run(input);
        }
        catch (Exception e) when (_isRefusal(e))
        {
        }
    }
}

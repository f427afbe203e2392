using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.IO;
using System.Text.RegularExpressions;

namespace Embedded.Firmware.CommandLine;

/// <summary>
/// The rules `emb` and `emb-board` share: exit codes, how a command line that does not parse is reported (one line
/// per problem naming the option, exit 2, nothing run), and range checks on numeric options that fail at parse time.
/// </summary>
public static class CommandLineRules
{
    public const int Ok = 0;
    /// <summary>A bug: an exception nobody expected. The message says so, and --verbose shows the stack.</summary>
    public const int InternalError = 1;
    /// <summary>The user's input: an option, a file, a model, an image.</summary>
    public const int UserError = 2;
    /// <summary>A device: a camera, a bus, a pin that does not answer.</summary>
    public const int DeviceFault = 3;

    /// <summary>Parses <paramref name="args"/>; on syntax errors writes them to <paramref name="error"/> and returns <see cref="UserError"/> without running anything.</summary>
    public static int Invoke(RootCommand root, string[] args, TextWriter output, TextWriter error, string program)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors) error.WriteLine($"{program}: {Friendly(problem.Message)}");
            string path = parse.CommandResult.Command == root ? program : $"{program} {parse.CommandResult.Command.Name}";
            error.WriteLine($"{program}: see '{path} --help'");
            return UserError;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>System.CommandLine names .NET types ("as expected type 'System.Int32'"); users read "a whole number".</summary>
    public static string Friendly(string message) =>
        Regex.Replace(message, @"as expected type '([^']+)'", m => "as " + Words(m.Groups[1].Value));

    private static string Words(string type) =>
        type.Contains("Int32") || type.Contains("Int64") ? "a whole number"
        : type.Contains("Double") || type.Contains("Single") ? "a number"
        : type.Contains("Boolean") ? "true or false"
        : type.Contains("FileInfo") ? "a file path"
        : type.Contains("DirectoryInfo") ? "a folder path"
        : "a value of the right kind";

    /// <summary>Refuses, at parse time, a value of <paramref name="option"/> below <paramref name="min"/> or above <paramref name="max"/>.</summary>
    public static Option<int> InRange(this Option<int> option, int min, int max = int.MaxValue)
    {
        option.Validators.Add(result =>
        {
            if (!TryValue(result, out int value)) return;
            if (value < min || value > max) result.AddError(RangeMessage(option.Name, value, min, max));
        });
        return option;
    }

    /// <summary>As <see cref="InRange(Option{int}, int, int)"/> for an optional whole number (absent is fine).</summary>
    public static Option<int?> InRange(this Option<int?> option, int min, int max = int.MaxValue)
    {
        option.Validators.Add(result =>
        {
            if (TryValue(result, out int? given) && given is int value && (value < min || value > max)) result.AddError(RangeMessage(option.Name, value, min, max));
        });
        return option;
    }

    /// <summary>As <see cref="InRange(Option{int}, int, int)"/> for an optional whole number (absent is fine).</summary>
    public static Option<long?> InRange(this Option<long?> option, long min, long max = long.MaxValue)
    {
        option.Validators.Add(result =>
        {
            if (TryValue(result, out long? given) && given is long value && (value < min || value > max)) result.AddError(RangeMessage(option.Name, value, min, max));
        });
        return option;
    }

    /// <summary>The option's value, or false when its text does not parse (that error is reported already).</summary>
    private static bool TryValue<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    /// <summary>
    /// An exception's message as one line for the user: without the " (Parameter 'x')" and "Actual value was …" that
    /// ArgumentException and ArgumentOutOfRangeException append (the message names the option already).
    /// </summary>
    public static string OneLine(Exception e)
    {
        string message = e.Message;
        if (e is ArgumentOutOfRangeException && message.IndexOf("\nActual value was ", StringComparison.Ordinal) is int actual and >= 0)
            message = message[..actual];
        if (e is ArgumentException { ParamName: { } name } && message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal))
            message = message[..^$" (Parameter '{name}')".Length];
        return message.Replace("\r\n", " ").Replace('\n', ' ');
    }

    private static string RangeMessage(string name, long value, long min, long max) =>
        max == int.MaxValue || max == long.MaxValue ? $"{name} {value}: must be at least {min}" : $"{name} {value}: must be {min}..{max}";
}

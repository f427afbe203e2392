using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Embedded.Boards.Cameras;
using Embedded.Converter.Graph;
using Embedded.Imaging;
using Embedded.Runtime.Format;

namespace Embedded.Fuzz.Targets;

/// <summary>Every fuzz target by name: the model readers, the image decoders, the camera frame path and the option parsers.</summary>
public static class FuzzTargets
{
    private static bool Model(Exception e) => e is ModelFormatException;
    private static bool Graph(Exception e) => e is GraphException or ModelFormatException;
    private static bool Image(Exception e) => e is ImageFormatException;
    private static bool Frame(Exception e) => e is CameraException or ImageFormatException;
    private static bool Option(Exception e) => e is ArgumentException;

    public static IReadOnlyList<FuzzTarget> All { get; } = new[]
    {
        new FuzzTarget("emb", ".emb reader and validator, then one inference of a model that loaded", ModelTargets.Emb, Model),
        new FuzzTarget("tflite", "TFLite FlatBuffer reader and the int8/uint8 and float importers", ModelTargets.Tflite, Graph),
        new FuzzTarget("onnx", "ONNX protobuf importer and the graph passes", ModelTargets.Onnx, Graph),
        new FuzzTarget("jpeg", "baseline/progressive JPEG decoder, and the reusable frame decoder on the same bytes", ImageTargets.Jpeg, Image),
        new FuzzTarget("png", "PNG decoder (zlib, filters, interlace, palettes)", ImageTargets.Png, Image),
        new FuzzTarget("bmp", "BMP decoder", ImageTargets.Bmp, Image),
        new FuzzTarget("pnm", "PGM/PPM decoder", ImageTargets.Pnm, Image),
        new FuzzTarget("v4l2-frame", "a V4L2 driver's answers (format, buffer, bytesused) and frame bytes through V4L2Camera and FramePreprocessor", FrameTargets.V4L2, Frame),
        new FuzzTarget("camera-spec", "emb-board --camera SPEC parser", OptionTargets.CameraSpec, Option),
        new FuzzTarget("on-rule", "emb-board --on LABEL>SCORE:gpio=PIN parser", OptionTargets.OnRule, Option),
        new FuzzTarget("display-spec", "emb-board --display parser", OptionTargets.DisplaySpec, Option),
    };

    public static FuzzTarget Find(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"no fuzz target '{name}' (targets: {string.Join(", ", All.Select(t => t.Name))})");

    /// <summary>Option text from fuzz bytes: UTF-8, invalid sequences replaced (as a shell argument would arrive after .NET decodes argv).</summary>
    internal static string Text(byte[] input) => Encoding.UTF8.GetString(input);
}

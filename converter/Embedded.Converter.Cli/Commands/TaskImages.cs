using System;
using System.IO;
using Embedded.Converter.Cli.Models;
using Embedded.Imaging;
using Embedded.Imaging.Png;
using Embedded.Runtime.Execution;

namespace Embedded.Converter.Cli.Commands;

/// <summary>What `emb detect` and `emb segment` share: the model, the images they read, the pictures they write.</summary>
internal static class TaskImages
{
    /// <summary>A detection or segmentation model: an .emb file (its post-processing runs inside it).</summary>
    public static EmbClassifier Open(FileInfo model, string task)
    {
        if (!model.Exists) throw new FileNotFoundException($"{model.FullName} does not exist", model.FullName);
        if (!model.Extension.Equals(".emb", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{model.Name}: {task} runs .emb models (convert it first: emb convert)");
        return (EmbClassifier)Classifier.Open(model.FullName);
    }

    public static string[] Files(FileInfo? image, DirectoryInfo? images)
    {
        if (image is not null && images is not null) throw new ArgumentOutOfRangeException("--image", "give --image FILE or --images DIR, not both");
        if (image is not null) return new[] { image.FullName };
        if (images is null) throw new ArgumentOutOfRangeException("--images", "give --image FILE or --images DIR");
        return CommandHelpers.InputFiles(images.FullName);
    }

    /// <summary>Where an annotated picture of <paramref name="input"/> goes: the file itself for one image, else a PNG in the folder.</summary>
    public static string? AnnotationPath(string? annotate, string input, bool single) =>
        annotate is null ? null : single ? annotate : Path.Combine(annotate, Path.GetFileNameWithoutExtension(input) + ".png");

    /// <summary>Checks before any work that the annotation target can be written (a file for one image, a folder for several).</summary>
    public static void CheckAnnotationTarget(string? annotate, bool single)
    {
        if (annotate is null) return;
        if (single)
        {
            if (!annotate.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new ArgumentOutOfRangeException("--annotate", $"'{annotate}' must be a .png file");
            string? folder = Path.GetDirectoryName(Path.GetFullPath(annotate));
            if (folder is not null && !Directory.Exists(folder)) throw new DirectoryNotFoundException($"--annotate: folder '{folder}' does not exist");
        }
        else if (File.Exists(annotate)) throw new ArgumentOutOfRangeException("--annotate", $"'{annotate}' is a file; with --images give a folder");
        else Directory.CreateDirectory(annotate);
    }

    /// <summary>The picture to report on and draw over: the image file itself, or for raw .u8/.f32 inputs the model's input pixels.</summary>
    public static RgbImage Picture(string file, EmbClassifier model, byte[] pixels) =>
        ImageLoader.IsImageFile(file) ? ImageLoader.Load(file) : new RgbImage(model.Width, model.Height, (byte[])pixels.Clone());

    public static void WritePng(string path, RgbImage image) => File.WriteAllBytes(path, PngEncoder.Encode(image));

    public static string[] Labels(FileInfo? labels, EmbClassifier model) =>
        labels is not null ? LabelFile.Read(labels.FullName) : model.Labels;
}

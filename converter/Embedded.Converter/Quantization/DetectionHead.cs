using System;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Quantization;

/// <summary>
/// Detection post-processing appended to a converted model whose outputs are a raw SSD head: box encodings
/// [1,N,4] (model output <see cref="BoxesOutput"/>) and class logits [1,N,C] (<see cref="ScoresOutput"/>), with the
/// anchors as a constant. The model's outputs become the four detection tensors (boxes, classes, scores, count).
/// </summary>
public sealed record DetectionHead(float[] Anchors, DetectionPostProcessParams Params, int BoxesOutput = 0, int ScoresOutput = 1)
{
    /// <summary>torchvision's SSD / SSDLite post-processing with its defaults (score 0.001, IoU 0.55, 300 candidates and detections).</summary>
    public static DetectionHead Torchvision(float[] anchorsXyxy, int classesWithBackground, int imageWidth, int imageHeight,
        float scoreThreshold = 0.001f, float iouThreshold = 0.55f, int maxDetections = 300, int candidatesPerClass = 300)
    {
        if (anchorsXyxy.Length % 4 != 0) throw new ArgumentException($"{anchorsXyxy.Length} anchor values are not boxes of four");
        return new DetectionHead(anchorsXyxy, new DetectionPostProcessParams
        {
            Style = DetectionStyle.Torchvision, MaxDetections = maxDetections, MaxClassesPerDetection = 1, NumClasses = classesWithBackground - 1,
            ScoreThreshold = scoreThreshold, IouThreshold = iouThreshold, CandidatesPerClass = candidatesPerClass,
            YScale = 10, XScale = 10, HScale = 5, WScale = 5, LogScaleClip = (float)Math.Log(1000.0 / 16), ImageWidth = imageWidth, ImageHeight = imageHeight,
        });
    }
}

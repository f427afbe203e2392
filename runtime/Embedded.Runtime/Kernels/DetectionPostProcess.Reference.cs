using System;
using System.Buffers.Binary;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// Working memory of the detection post-processing, sized once per interpreter (so an inference allocates nothing):
/// decoded boxes, float scores and the candidate lists of the non-maximum suppression.
/// </summary>
public sealed class DetectionWork
{
    public readonly float[] Boxes, Scores, CandidateScores, KeptScores, RegularScores;
    public readonly int[] Kept, Order, MergeTemp, Selected, ClassOrder, RegularIndices, RegularOrder;
    public readonly bool[] Active;
    /// <summary>Torchvision style: every class's survivors (anchor, class, score) before the overall ranking.</summary>
    public readonly int[] SurvivorAnchors, SurvivorClasses, SurvivorOrder, SurvivorTemp;
    public readonly float[] SurvivorScores;

    public DetectionWork(int anchors, int scoresPerAnchor, int categories, int slots, int survivors = 0)
    {
        SurvivorAnchors = new int[survivors];
        SurvivorClasses = new int[survivors];
        SurvivorScores = new float[survivors];
        SurvivorOrder = new int[survivors];
        SurvivorTemp = new int[survivors];
        Boxes = new float[anchors * 4];
        Scores = new float[anchors * scoresPerAnchor];
        CandidateScores = new float[anchors];
        KeptScores = new float[anchors];
        Kept = new int[anchors];
        Order = new int[anchors + slots];
        MergeTemp = new int[anchors + slots];
        Selected = new int[anchors];
        Active = new bool[anchors];
        ClassOrder = new int[anchors * Math.Max(1, categories)];
        RegularScores = new float[anchors + slots];
        RegularIndices = new int[anchors + slots];
        RegularOrder = new int[anchors + slots];
    }

    public static DetectionWork For(TensorDefinition classPredictions, DetectionPostProcessParams p) =>
        new(classPredictions.Shape[1], classPredictions.Shape[2], Math.Min(p.MaxClassesPerDetection, p.NumClasses), p.DetectionSlots, Survivors(classPredictions.Shape[1], p));

    /// <summary>How many per-class survivors a torchvision-style operator may collect (each class keeps at most its candidates).</summary>
    public static int Survivors(int anchors, DetectionPostProcessParams p) =>
        p.Style == DetectionStyle.Torchvision ? p.NumClasses * Math.Min(anchors, p.CandidatesPerClass) : 0;
}

/// <summary>TFLite's <c>TFLite_Detection_PostProcess</c> (detection_postprocess.cc), operation for operation.</summary>
public static class DetectionPostProcess
{
    /// <summary>Inputs dequantized as TFLite does: (x − zero point) in float, times the scale in float.</summary>
    private static float Dequantize(QuantizedInput t, float scale, int index) =>
        t.Type == ElementType.Float32 ? BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(t.Bytes.Slice(index * 4, 4))) : (float)(t[index] - t.ZeroPoint(0)) * scale;

    /// <summary>Runs the operator; <paramref name="scales"/> are the three inputs' scales (ignored for float32 inputs).</summary>
    public static void Reference(QuantizedInput encodings, QuantizedInput classScores, QuantizedInput anchors, (float Encodings, float Scores, float Anchors) scales,
        Span<float> boxes, Span<float> classes, Span<float> scores, Span<float> count, DetectionPostProcessParams p, DetectionWork work)
    {
        int anchorCount = encodings.Shape[1], encodingLength = encodings.Shape[2];
        int withBackground = classScores.Shape[2], labelOffset = withBackground - p.NumClasses;
        if (p.Style == DetectionStyle.Torchvision)
        {
            count[0] = Torchvision(encodings, classScores, anchors, scales, anchorCount, encodingLength, withBackground, labelOffset, p, work, boxes, classes, scores);
            return;
        }
        Decode(encodings, scales.Encodings, anchors, scales.Anchors, anchorCount, encodingLength, p, work.Boxes);
        for (int i = 0; i < anchorCount * withBackground; i++) work.Scores[i] = Dequantize(classScores, scales.Scores, i);
        boxes.Clear(); classes.Clear(); scores.Clear();
        int found = p.UseRegularNms
            ? Regular(anchorCount, withBackground, labelOffset, p, work, boxes, classes, scores)
            : Fast(anchorCount, withBackground, labelOffset, p, work, boxes, classes, scores);
        count[0] = found;
    }

    /// <summary>Centre-size encodings relative to the anchors → corners, in double, each result rounded to float.</summary>
    private static void Decode(QuantizedInput encodings, float encodingScale, QuantizedInput anchors, float anchorScale, int anchorCount, int encodingLength,
        DetectionPostProcessParams p, float[] boxes)
    {
        for (int i = 0; i < anchorCount; i++)
        {
            int at = i * encodingLength;
            float y = Dequantize(encodings, encodingScale, at), x = Dequantize(encodings, encodingScale, at + 1);
            float h = Dequantize(encodings, encodingScale, at + 2), w = Dequantize(encodings, encodingScale, at + 3);
            float ay = Dequantize(anchors, anchorScale, i * 4), ax = Dequantize(anchors, anchorScale, i * 4 + 1);
            float ah = Dequantize(anchors, anchorScale, i * 4 + 2), aw = Dequantize(anchors, anchorScale, i * 4 + 3);
            float yCenter = (float)((double)y / p.YScale * ah + ay);
            float xCenter = (float)((double)x / p.XScale * aw + ax);
            float halfH = (float)(0.5 * Math.Exp((double)h / p.HScale) * ah);
            float halfW = (float)(0.5 * Math.Exp((double)w / p.WScale) * aw);
            boxes[i * 4] = yCenter - halfH;
            boxes[i * 4 + 1] = xCenter - halfW;
            boxes[i * 4 + 2] = yCenter + halfH;
            boxes[i * 4 + 3] = xCenter + halfW;
        }
    }

    /// <summary>Fast NMS: each anchor ranked by its best class, one class-agnostic suppression, its top classes reported.</summary>
    private static int Fast(int anchorCount, int withBackground, int labelOffset, DetectionPostProcessParams p, DetectionWork work,
        Span<float> boxes, Span<float> classes, Span<float> scores)
    {
        int categories = Math.Min(p.MaxClassesPerDetection, p.NumClasses);
        for (int row = 0; row < anchorCount; row++)
        {
            var rowScores = work.Scores.AsSpan(row * withBackground + labelOffset, p.NumClasses);
            var order = work.ClassOrder.AsSpan(row * categories, categories);
            TopClasses(rowScores, order);
            work.CandidateScores[row] = rowScores[order[0]];
        }
        int selected = SingleClass(work.CandidateScores.AsSpan(0, anchorCount), p, work, p.MaxDetections);
        for (int k = 0; k < selected; k++)
        {
            int anchor = work.Selected[k];
            var rowScores = work.Scores.AsSpan(anchor * withBackground + labelOffset, p.NumClasses);
            for (int col = 0; col < categories; col++)
            {
                int slot = p.MaxClassesPerDetection * k + col, cls = work.ClassOrder[anchor * categories + col];
                work.Boxes.AsSpan(anchor * 4, 4).CopyTo(boxes.Slice(slot * 4, 4));
                classes[slot] = cls;
                scores[slot] = rowScores[cls];
            }
        }
        return selected;
    }

    /// <summary>Regular NMS: suppression per class (up to detectionsPerClass each), merged into the best maxDetections.</summary>
    private static int Regular(int anchorCount, int withBackground, int labelOffset, DetectionPostProcessParams p, DetectionWork work,
        Span<float> boxes, Span<float> classes, Span<float> scores)
    {
        int merged = 0;
        for (int col = 0; col < p.NumClasses; col++)
        {
            for (int row = 0; row < anchorCount; row++) work.CandidateScores[row] = work.Scores[row * withBackground + col + labelOffset];
            int selected = SingleClass(work.CandidateScores.AsSpan(0, anchorCount), p, work, p.DetectionsPerClass);
            int total = merged;
            for (int k = 0; k < selected; k++)
            {
                work.RegularIndices[total] = work.Selected[k] * withBackground + col + labelOffset;
                work.RegularScores[total] = work.CandidateScores[work.Selected[k]];
                total++;
            }
            int keep = Math.Min(total, p.MaxDetections);
            var order = work.RegularOrder.AsSpan(0, total);
            SortDescending(work.RegularScores.AsSpan(0, total), order, work.MergeTemp);
            // Keep the best, in order (indices and scores through the order, then back in place).
            for (int r = 0; r < keep; r++) { work.Order[r] = work.RegularIndices[order[r]]; work.KeptScores[r] = work.RegularScores[order[r]]; }
            for (int r = 0; r < keep; r++) { work.RegularIndices[r] = work.Order[r]; work.RegularScores[r] = work.KeptScores[r]; }
            merged = keep;
        }
        for (int slot = 0; slot < merged; slot++)
        {
            int anchor = work.RegularIndices[slot] / withBackground;
            work.Boxes.AsSpan(anchor * 4, 4).CopyTo(boxes.Slice(slot * 4, 4));
            classes[slot] = work.RegularIndices[slot] - anchor * withBackground - labelOffset;
            scores[slot] = work.RegularScores[slot];
        }
        return merged;
    }

    /// <summary>The indices of the largest scores in decreasing order (ties: lower index first); one: the first maximum.</summary>
    private static void TopClasses(ReadOnlySpan<float> values, Span<int> order)
    {
        int k = order.Length, filled = 0;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (filled == k && !(v > values[order[k - 1]])) continue;
            int at = filled == k ? k - 1 : filled;
            while (at > 0 && v > values[order[at - 1]]) { order[at] = order[at - 1]; at--; }
            order[at] = i;
            if (filled < k) filled++;
        }
    }

    /// <summary>
    /// One class's suppression: scores ≥ threshold, stable-sorted decreasing, each kept box removing later boxes whose
    /// IoU with it exceeds the threshold, up to <paramref name="maxDetections"/>; the anchors land in work.Selected.
    /// </summary>
    private static int SingleClass(ReadOnlySpan<float> candidateScores, DetectionPostProcessParams p, DetectionWork work, int maxDetections)
    {
        int kept = 0;
        for (int i = 0; i < candidateScores.Length; i++)
            if (candidateScores[i] >= p.ScoreThreshold) { work.KeptScores[kept] = candidateScores[i]; work.Kept[kept++] = i; }
        var order = work.Order.AsSpan(0, kept);
        SortDescending(work.KeptScores.AsSpan(0, kept), order, work.MergeTemp);
        int limit = Math.Min(kept, maxDetections), selected = 0, active = kept;
        work.Active.AsSpan(0, kept).Fill(true);
        for (int i = 0; i < kept; i++)
        {
            if (active == 0 || selected >= limit) break;
            if (!work.Active[i]) continue;
            int box = work.Kept[order[i]];
            work.Selected[selected++] = box;
            work.Active[i] = false;
            active--;
            for (int j = i + 1; j < kept; j++)
                if (work.Active[j] && IntersectionOverUnion(work.Boxes, box, work.Kept[order[j]]) > p.IouThreshold)
                {
                    work.Active[j] = false;
                    active--;
                }
        }
        return selected;
    }

    private static float IntersectionOverUnion(float[] boxes, int i, int j)
    {
        float areaI = (boxes[i * 4 + 2] - boxes[i * 4]) * (boxes[i * 4 + 3] - boxes[i * 4 + 1]);
        float areaJ = (boxes[j * 4 + 2] - boxes[j * 4]) * (boxes[j * 4 + 3] - boxes[j * 4 + 1]);
        if (areaI <= 0 || areaJ <= 0) return 0f;
        float yMin = Math.Max(boxes[i * 4], boxes[j * 4]), xMin = Math.Max(boxes[i * 4 + 1], boxes[j * 4 + 1]);
        float yMax = Math.Min(boxes[i * 4 + 2], boxes[j * 4 + 2]), xMax = Math.Min(boxes[i * 4 + 3], boxes[j * 4 + 3]);
        float intersection = Math.Max(yMax - yMin, 0f) * Math.Max(xMax - xMin, 0f);
        return intersection / (areaI + areaJ - intersection);
    }

    /// <summary>
    /// torchvision's SSD post-processing in float32, its operations in its order: softmax per anchor, BoxCoder.decode_single
    /// with the log-scale clip, boxes clipped to the image, per class the scores above the threshold, its best
    /// candidatesPerClass, NMS (IoU above the threshold suppresses), then the best maxDetections of all classes.
    /// Equal scores keep anchor and class order (torch leaves their order open).
    /// </summary>
    private static int Torchvision(QuantizedInput encodings, QuantizedInput logits, QuantizedInput anchors, (float Encodings, float Scores, float Anchors) scales,
        int anchorCount, int encodingLength, int withBackground, int labelOffset, DetectionPostProcessParams p, DetectionWork work,
        Span<float> boxes, Span<float> classes, Span<float> scores)
    {
        float width = p.ImageWidth, height = p.ImageHeight;
        for (int i = 0; i < anchorCount; i++)
        {
            // Softmax over the classes: the largest logit subtracted, exponentials summed in order.
            var row = work.Scores.AsSpan(i * withBackground, withBackground);
            float max = float.NegativeInfinity;
            for (int c = 0; c < withBackground; c++) { row[c] = Dequantize(logits, scales.Scores, i * withBackground + c); max = Math.Max(max, row[c]); }
            float sum = 0;
            for (int c = 0; c < withBackground; c++) { row[c] = MathF.Exp(row[c] - max); sum += row[c]; }
            for (int c = 0; c < withBackground; c++) row[c] /= sum;

            float x1 = Dequantize(anchors, scales.Anchors, i * 4), y1 = Dequantize(anchors, scales.Anchors, i * 4 + 1);
            float x2 = Dequantize(anchors, scales.Anchors, i * 4 + 2), y2 = Dequantize(anchors, scales.Anchors, i * 4 + 3);
            float wa = x2 - x1, ha = y2 - y1, cxa = x1 + 0.5f * wa, cya = y1 + 0.5f * ha;
            int at = i * encodingLength;
            float dx = Dequantize(encodings, scales.Encodings, at) / p.XScale, dy = Dequantize(encodings, scales.Encodings, at + 1) / p.YScale;
            float dw = Math.Min(Dequantize(encodings, scales.Encodings, at + 2) / p.WScale, p.LogScaleClip);
            float dh = Math.Min(Dequantize(encodings, scales.Encodings, at + 3) / p.HScale, p.LogScaleClip);
            float cx = dx * wa + cxa, cy = dy * ha + cya, w = MathF.Exp(dw) * wa, h = MathF.Exp(dh) * ha;
            float halfW = 0.5f * w, halfH = 0.5f * h;
            // Kept as (ymin, xmin, ymax, xmax) in pixels, clipped to the image.
            work.Boxes[i * 4] = Math.Min(Math.Max(cy - halfH, 0f), height);
            work.Boxes[i * 4 + 1] = Math.Min(Math.Max(cx - halfW, 0f), width);
            work.Boxes[i * 4 + 2] = Math.Min(Math.Max(cy + halfH, 0f), height);
            work.Boxes[i * 4 + 3] = Math.Min(Math.Max(cx + halfW, 0f), width);
        }
        int survivors = 0;
        for (int cls = 0; cls < p.NumClasses; cls++)
        {
            int label = cls + labelOffset, kept = 0;
            for (int i = 0; i < anchorCount; i++)
            {
                float score = work.Scores[i * withBackground + label];
                if (score > p.ScoreThreshold) { work.KeptScores[kept] = score; work.Kept[kept++] = i; }
            }
            var order = work.Order.AsSpan(0, kept);
            SortDescending(work.KeptScores.AsSpan(0, kept), order, work.MergeTemp);
            int candidates = Math.Min(kept, p.CandidatesPerClass);
            work.Active.AsSpan(0, candidates).Fill(true);
            for (int r = 0; r < candidates; r++)
            {
                if (!work.Active[r]) continue;
                int box = work.Kept[order[r]];
                work.SurvivorAnchors[survivors] = box;
                work.SurvivorClasses[survivors] = label;
                work.SurvivorScores[survivors++] = work.KeptScores[order[r]];
                for (int j = r + 1; j < candidates; j++)
                    if (work.Active[j] && TorchvisionIou(work.Boxes, box, work.Kept[order[j]]) > p.IouThreshold) work.Active[j] = false;
            }
        }
        var ranking = work.SurvivorOrder.AsSpan(0, survivors);
        SortDescending(work.SurvivorScores.AsSpan(0, survivors), ranking, work.SurvivorTemp);
        int found = Math.Min(survivors, p.MaxDetections);
        for (int k = 0; k < found; k++)
        {
            int s = ranking[k], anchor = work.SurvivorAnchors[s];
            boxes[k * 4] = work.Boxes[anchor * 4] / height;
            boxes[k * 4 + 1] = work.Boxes[anchor * 4 + 1] / width;
            boxes[k * 4 + 2] = work.Boxes[anchor * 4 + 2] / height;
            boxes[k * 4 + 3] = work.Boxes[anchor * 4 + 3] / width;
            classes[k] = work.SurvivorClasses[s];
            scores[k] = work.SurvivorScores[s];
        }
        return found;
    }

    /// <summary>torchvision's box_iou: no special case for empty boxes (0 / 0 is NaN, which suppresses nothing).</summary>
    private static float TorchvisionIou(float[] boxes, int i, int j)
    {
        float areaI = (boxes[i * 4 + 2] - boxes[i * 4]) * (boxes[i * 4 + 3] - boxes[i * 4 + 1]);
        float areaJ = (boxes[j * 4 + 2] - boxes[j * 4]) * (boxes[j * 4 + 3] - boxes[j * 4 + 1]);
        float h = Math.Max(Math.Min(boxes[i * 4 + 2], boxes[j * 4 + 2]) - Math.Max(boxes[i * 4], boxes[j * 4]), 0f);
        float w = Math.Max(Math.Min(boxes[i * 4 + 3], boxes[j * 4 + 3]) - Math.Max(boxes[i * 4 + 1], boxes[j * 4 + 1]), 0f);
        float intersection = h * w;
        return intersection / (areaI + areaJ - intersection);
    }

    /// <summary>Positions 0..n−1 ordered by decreasing value, equal values keeping their order (a bottom-up merge sort).</summary>
    internal static void SortDescending(ReadOnlySpan<float> values, Span<int> order, int[] temp)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var buffer = temp.AsSpan(0, order.Length);
        for (int width = 1; width < order.Length; width *= 2)
        {
            for (int start = 0; start < order.Length; start += 2 * width)
            {
                int middle = Math.Min(start + width, order.Length), end = Math.Min(start + 2 * width, order.Length);
                int a = start, b = middle, o = start;
                while (a < middle && b < end) buffer[o++] = values[order[b]] > values[order[a]] ? order[b++] : order[a++];
                while (a < middle) buffer[o++] = order[a++];
                while (b < end) buffer[o++] = order[b++];
            }
            buffer.CopyTo(order);
        }
    }
}

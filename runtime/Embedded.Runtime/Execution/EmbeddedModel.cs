using System;
using System.Collections.Generic;
using System.IO;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Execution;

/// <summary>
/// A loaded, validated, prepared .emb model. Immutable and thread-safe: create one <see cref="Interpreter"/>
/// per thread; they share the weights and prepared operators.
/// </summary>
public sealed class EmbeddedModel
{
    internal PreparedOperator[] Operators { get; }
    internal TensorBinding[] Bindings { get; }

    public ModelDefinition Definition { get; }
    public ModelMetadata Metadata => Definition.Metadata;
    public int ArenaBytes => Definition.Plan.ArenaBytes;

    private EmbeddedModel(ModelDefinition definition)
    {
        Definition = definition;
        Bindings = new TensorBinding[definition.Tensors.Count];
        for (int t = 0; t < Bindings.Length; t++)
            Bindings[t] = new TensorBinding(definition.Tensors[t], definition.Plan.Offsets[t]);
        Operators = new PreparedOperator[definition.Operators.Count];
        for (int i = 0; i < Operators.Length; i++)
        {
            Operators[i] = new PreparedOperator(definition.Operators[i], Bindings);
            ScratchWidth = Math.Max(ScratchWidth, Operators[i].ScratchWidth);
            ScratchRowBytes = Math.Max(ScratchRowBytes, Operators[i].ScratchRowBytes);
            ScratchDepthwiseBytes = Math.Max(ScratchDepthwiseBytes, Operators[i].ScratchDepthwiseBytes);
            PoolChannels = Math.Max(PoolChannels, Operators[i].PoolChannels);
            var d = Operators[i].DetectionSizes;
            DetectionSizes = (Math.Max(DetectionSizes.Anchors, d.Anchors), Math.Max(DetectionSizes.ScoresPerAnchor, d.ScoresPerAnchor),
                Math.Max(DetectionSizes.Categories, d.Categories), Math.Max(DetectionSizes.Slots, d.Slots), Math.Max(DetectionSizes.Survivors, d.Survivors));
        }
    }

    /// <summary>The largest detection operator's sizes: each interpreter's detection scratch (none when zero).</summary>
    internal (int Anchors, int ScoresPerAnchor, int Categories, int Slots, int Survivors) DetectionSizes { get; }

    /// <summary>A thread's kernel working memory for this model (every thread of an interpreter gets one).</summary>
    internal Kernels.KernelScratch CreateScratch() =>
        new(ScratchWidth, ScratchRowBytes, PoolChannels, ScratchDepthwiseBytes) { Detection = CreateDetectionWork() };

    internal Kernels.DetectionWork? CreateDetectionWork() =>
        DetectionSizes.Anchors == 0 ? null : new Kernels.DetectionWork(DetectionSizes.Anchors, DetectionSizes.ScoresPerAnchor, DetectionSizes.Categories, DetectionSizes.Slots, DetectionSizes.Survivors);

    internal int ScratchWidth { get; }
    internal int ScratchRowBytes { get; }
    internal int ScratchDepthwiseBytes { get; }
    /// <summary>The most channels a pool has: each thread's partial sums when a pool is split over threads.</summary>
    internal int PoolChannels { get; }

    /// <summary>Loads from memory; constant tensors are used in place, so keep the buffer unchanged.</summary>
    public static EmbeddedModel Load(ReadOnlyMemory<byte> file, ModelReadOptions? options = null) => new(ModelReader.Read(file, options));

    public static EmbeddedModel Load(byte[] file, ModelReadOptions? options = null) => Load(new ReadOnlyMemory<byte>(file), options);

    public static EmbeddedModel Load(Stream stream, ModelReadOptions? options = null) => new(ModelReader.Read(stream, options));

    /// <summary>Loads a file; a missing file raises the BCL's FileNotFoundException / DirectoryNotFoundException.</summary>
    public static EmbeddedModel Load(string path, ModelReadOptions? options = null) => Load(File.ReadAllBytes(path), options);

    /// <summary>Wraps an already validated definition (e.g. fresh from a <see cref="Building.ModelBuilder"/>).</summary>
    public static EmbeddedModel FromDefinition(ModelDefinition definition)
    {
        ModelValidator.Validate(definition);
        return new EmbeddedModel(definition);
    }

    public IReadOnlyList<TensorDefinition> Inputs => Select(Definition.Inputs);
    public IReadOnlyList<TensorDefinition> Outputs => Select(Definition.Outputs);

    /// <summary>An interpreter on the fastest kernel path this CPU supports (see <see cref="InterpreterOptions"/>).</summary>
    public Interpreter CreateInterpreter(InterpreterOptions? options = null) => new(this, options ?? new InterpreterOptions());

    private TensorDefinition[] Select(int[] indices)
    {
        var result = new TensorDefinition[indices.Length];
        for (int i = 0; i < indices.Length; i++) result[i] = Definition.Tensors[indices[i]];
        return result;
    }
}

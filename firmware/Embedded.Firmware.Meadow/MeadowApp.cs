using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Embedded.Boards.Cameras;
using Embedded.Boards.Drivers.ArduCam;
using Embedded.Boards.Frames;
using Embedded.Boards.Meadow;
using Embedded.Firmware.Classification;
using Embedded.Runtime.Execution;
using Meadow;
using Meadow.Devices;
using Meadow.Hardware;

namespace Embedded.Firmware.Meadow;

/// <summary>
/// Meadow F7 Feather + ArduCam Mini 2MP: capture JPEG QVGA frames, classify them, print the top-1 and timings.
/// Camera faults are printed and the loop carries on after a pause; a model that does not load stops the app.
/// </summary>
public sealed class MeadowApp : App<F7FeatherV2>
{
    /// <summary>Header pin of the ArduCam's CS line (D14; wiring table in the ArduCam driver README).</summary>
    private const int ChipSelectPin = 14;

    private MeadowBuses? _buses;
    private ArduCamMini2MP? _camera;
    private FrameClassifier? _classifier;

    public override Task Initialize()
    {
        string modelPath = Path.Combine(MeadowOS.FileSystem.UserFileSystemRoot, "model.emb");
        var model = EmbeddedModel.Load(modelPath);
        _classifier = new FrameClassifier(model, threads: 1);
        _buses = new MeadowBuses(Device.CreateSpiBus(), Device.CreateI2cBus(), number => Device.Pins.AllPins.First(p => p.Name == $"D{number:00}"));
        _camera = new ArduCamMini2MP(_buses.OpenSpi(0, ChipSelectPin, 8_000_000), _buses.OpenI2c(0, Ov2640.Address), _buses.Clock,
            new ArduCamOptions { Format = PixelFormat.Jpeg, Width = 320, Height = 240, FifoCapacity = 8 * 1024 * 1024 });
        Resolver.Log.Info($"model {model.Metadata.Name}, camera {_camera.Name}");
        return Task.CompletedTask;
    }

    public override Task Run()
    {
        var camera = _camera!;
        var classifier = _classifier!;
        Span<int> best = stackalloc int[1];
        camera.Start();
        for (long frame = 0; ; frame++)
        {
            try
            {
                var captured = camera.Capture(TimeSpan.FromSeconds(5), CancellationToken.None);
                classifier.Classify(captured, best);
                Resolver.Log.Info($"frame {frame}: {classifier.Label(best[0])} {classifier.Scores[best[0]]:F3} " +
                                  $"(preprocess {classifier.PreprocessMs:F0} ms, infer {classifier.InferMs:F0} ms)");
            }
            catch (CameraException e)
            {
                Resolver.Log.Error($"camera: {e.Message}");
                Thread.Sleep(2000);
            }
        }
    }
}

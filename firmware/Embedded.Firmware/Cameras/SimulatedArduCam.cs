using System;
using System.Threading;
using Embedded.Boards.Drivers.ArduCam;
using Embedded.Boards.Emulation;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;

namespace Embedded.Firmware.Cameras;

/// <summary>
/// `sim-arducam:DIR`: the real ArduCam driver talking SPI and SCCB to the emulated module, which shows the folder's
/// images in JPEG mode. Fast mode runs on virtual time (no waiting); real-time mode waits the capture time.
/// </summary>
internal sealed class SimulatedArduCam : IFrameSource
{
    private readonly ArduCamMini2MP _driver;

    public SimulatedArduCam(string directory, bool realTime)
    {
        var scenes = SceneSet.FromDirectory(directory);
        Count = scenes.Count;
        IClock clock = realTime ? SystemClock.Instance : new VirtualClock();
        Emulator = new ArduCamMini2MPEmulator(scenes, clock);
        _driver = new ArduCamMini2MP(Emulator, Emulator, clock, new ArduCamOptions { Format = PixelFormat.Jpeg })
        {
            SourceName = () => Emulator.CurrentScene,
        };
    }

    public ArduCamMini2MPEmulator Emulator { get; }
    public int Count { get; }
    public string Name => "emulated " + _driver.Name;
    public void Start() => _driver.Start();
    public Frame Capture(TimeSpan timeout, CancellationToken cancellation = default) => _driver.Capture(timeout, cancellation);
    public void Stop() => _driver.Stop();
    public void Dispose() => _driver.Dispose();
}

using System;
using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using System.Diagnostics;
using System.Threading;
using Embedded.Firmware.Nano.Execution;
using nanoFramework.Hardware.Esp32;

namespace Embedded.Firmware.Nano.Sample
{
    /// <summary>
    /// Person detection on an ESP32 (WROVER: the model and the heap live in PSRAM): ArduCam frame → VWW → GPIO pin high
    /// while a person is in view. Pins for an ESP32-DevKitC / WROVER-KIT; change them for your board.
    /// </summary>
    public static class Program
    {
        private const int Side = 96;            // VWW's input: 96×96 RGB
        private const int PersonPin = 2;         // the on-board LED of most ESP32 dev boards
        private const int SpiBus = 1, ChipSelect = 5, I2cBus = 1;
        private const int Person = 1;            // output 1 of vww_96_int8 is "person"

        public static void Main()
        {
            Configuration.SetPinFunction(23, DeviceFunction.SPI1_MOSI);
            Configuration.SetPinFunction(19, DeviceFunction.SPI1_MISO);
            Configuration.SetPinFunction(18, DeviceFunction.SPI1_CLOCK);
            Configuration.SetPinFunction(21, DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(22, DeviceFunction.I2C1_CLOCK);

            // The model is a binary resource in flash; nanoCLR gives it as a byte[] (docs/microcontrollers.md: RAM).
            var interpreter = new NanoInterpreter(Resources.GetBytes(Resources.BinaryResources.vww_96_int8));
            var camera = new ArduCamRgb565(
                SpiDevice.Create(new SpiConnectionSettings(SpiBus, ChipSelect) { ClockFrequency = 8_000_000, Mode = SpiMode.Mode0 }),
                I2cDevice.Create(new I2cConnectionSettings(I2cBus, 0x30)), Side, Side);
            var gpio = new GpioController();
            GpioPin led = gpio.OpenPin(PersonPin, PinMode.Output);

            byte[] frame = new byte[2 * Side * Side], input = new byte[3 * Side * Side], scores = new byte[2];
            camera.Start();
            while (true)
            {
                try
                {
                    camera.Capture(frame, 2000);
                    VwwInput.FromRgb565(frame, input);
                    DateTime started = DateTime.UtcNow;
                    interpreter.SetInput(0, input);
                    interpreter.Invoke();
                    interpreter.GetOutput(0, scores);
                    long ms = (DateTime.UtcNow - started).Ticks / TimeSpan.TicksPerMillisecond;
                    bool person = (sbyte)scores[Person] > (sbyte)scores[1 - Person];
                    led.Write(person ? PinValue.High : PinValue.Low);
                    Debug.WriteLine((person ? "person " : "no person ") + ((sbyte)scores[Person] + 128).ToString() + "/256, " + ms.ToString() + " ms");
                }
                catch (InvalidOperationException e)
                {
                    // A camera fault: say so, wait, try again (the pin keeps its last state).
                    Debug.WriteLine(e.Message);
                    Thread.Sleep(2000);
                }
            }
        }
    }
}

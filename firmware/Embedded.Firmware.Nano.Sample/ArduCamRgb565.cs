using System;
using System.Device.I2c;
using System.Device.Spi;
using System.Threading;
using Embedded.Boards.Drivers.ArduCam;

namespace Embedded.Firmware.Nano.Sample
{
    /// <summary>
    /// ArduCam Mini 2MP on nanoFramework: the OV2640's DSP scales to an RGB565 frame of the model's size, the ArduChip
    /// captures it into its FIFO, and a burst read brings it over SPI (the same register protocol as the Linux driver,
    /// boards/Embedded.Boards/Drivers/ArduCam). Buffers are allocated once; a capture allocates nothing.
    /// </summary>
    public sealed class ArduCamRgb565
    {
        private const int BurstBytes = 1024;
        private readonly SpiDevice _spi;
        private readonly I2cDevice _sccb;
        private readonly byte[] _command = new byte[2], _reply = new byte[2], _pair = new byte[2], _one = new byte[1];
        private readonly byte[] _burstWrite = new byte[BurstBytes + 1], _burstRead = new byte[BurstBytes + 1];

        public int Width { get; }
        public int Height { get; }

        public ArduCamRgb565(SpiDevice spi, I2cDevice sccb, int width, int height)
        {
            _spi = spi;
            _sccb = sccb;
            Width = width;
            Height = height;
            _burstWrite[0] = ArduChip.BurstFifoRead;
        }

        /// <summary>Checks the SPI wiring and the sensor, resets it and sets the output format and size.</summary>
        public void Start()
        {
            WriteRegister(ArduChip.Test1, 0x55);
            if (ReadRegister(ArduChip.Test1) != 0x55) throw new InvalidOperationException("ArduCam: SPI check failed (test register); check MOSI/MISO/SCK/CS");
            Sensor(Ov2640.BankSelect, Ov2640.BankSensor);
            if (SensorRead(Ov2640.ProductIdHigh) != Ov2640.ExpectedIdHigh) throw new InvalidOperationException("ArduCam: no OV2640 at I2C 0x30");
            Sensor(Ov2640.Com7, Ov2640.Com7Reset);
            Thread.Sleep(100);
            Sensor(Ov2640.ClockControl, 0x00);
            Sensor(Ov2640.Com7, 0x00);
            Sensor(Ov2640.BankSelect, Ov2640.BankDsp);
            byte[] table = Ov2640.DspTable(false, Width, Height);
            for (int i = 0; i < table.Length; i += 2) Sensor(table[i], table[i + 1]);
            WriteRegister(ArduChip.CaptureControl, 0x00);
            WriteRegister(ArduChip.Fifo, ArduChip.FifoClear);
        }

        /// <summary>One RGB565 frame (big-endian pixels, as the OV2640 sends them) into <paramref name="frame"/> (2·W·H bytes).</summary>
        public void Capture(byte[] frame, int timeoutMs)
        {
            WriteRegister(ArduChip.Fifo, ArduChip.FifoClear);
            WriteRegister(ArduChip.Fifo, ArduChip.FifoStart);
            DateTime deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
            while ((ReadRegister(ArduChip.Status) & ArduChip.CaptureDone) == 0)
            {
                if (DateTime.UtcNow > deadline) throw new InvalidOperationException("ArduCam: capture timed out");
                Thread.Sleep(2);
            }
            int length = ReadRegister(ArduChip.FifoSize1) | ReadRegister(ArduChip.FifoSize2) << 8 | (ReadRegister(ArduChip.FifoSize3) & 0x7F) << 16;
            if (length < frame.Length) throw new InvalidOperationException("ArduCam: short frame");
            for (int at = 0; at < frame.Length; at += BurstBytes)
            {
                int n = frame.Length - at < BurstBytes ? frame.Length - at : BurstBytes;
                _spi.TransferFullDuplex(new SpanByte(_burstWrite, 0, n + 1), new SpanByte(_burstRead, 0, n + 1));
                Array.Copy(_burstRead, 1, frame, at, n);
            }
            WriteRegister(ArduChip.Fifo, ArduChip.FifoClear);
        }

        private void WriteRegister(byte register, byte value)
        {
            _command[0] = (byte)(ArduChip.WriteFlag | register);
            _command[1] = value;
            _spi.TransferFullDuplex(new SpanByte(_command), new SpanByte(_reply));
        }

        private byte ReadRegister(byte register)
        {
            _command[0] = (byte)(register & 0x7F);
            _command[1] = 0;
            _spi.TransferFullDuplex(new SpanByte(_command), new SpanByte(_reply));
            return _reply[1];
        }

        private void Sensor(byte register, byte value)
        {
            _pair[0] = register;
            _pair[1] = value;
            _sccb.Write(new SpanByte(_pair));
        }

        private byte SensorRead(byte register)
        {
            _one[0] = register;
            _sccb.Write(new SpanByte(_one));
            _sccb.Read(new SpanByte(_one));
            return _one[0];
        }
    }
}

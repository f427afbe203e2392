namespace Embedded.Boards.RaspberryPi;

/// <summary>Which GPIO driver the pins go through (`gpio=` in a camera spec).</summary>
public enum PiGpioDriver
{
    /// <summary>
    /// GpioController's own choice (`gpio=auto`): on a Pi 3, 4 or Zero 2 that already is the memory-mapped
    /// RaspberryPi3Driver (the fast one), on a Pi 5 libgpiod.
    /// </summary>
    Auto,
    /// <summary>RaspberryPi3Driver over /dev/gpiomem (`gpio=mmap`, or `gpio=fast`): Pi 3, 4 and Zero 2 only; refused on a Pi 5, whose RP1 it cannot drive.</summary>
    MemoryMapped,
    /// <summary>libgpiod on a GPIO chip (`gpio=libgpiod`, `gpiochip=N`): any Pi with libgpiod installed.</summary>
    Libgpiod,
}

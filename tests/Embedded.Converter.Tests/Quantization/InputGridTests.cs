using System;
using System.Linq;
using Embedded.Converter.Quantization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Quantization;

[TestClass]
public sealed class InputGridTests
{
    [TestMethod]
    public void ExactMultiplier_FindsTheSmallestIntegerGrid()
    {
        Assert.AreEqual(1, InputGrid.ExactMultiplier(128f));
        Assert.AreEqual(2, InputGrid.ExactMultiplier(127.5f));
        Assert.AreEqual(40, InputGrid.ExactMultiplier(123.675f));
        Assert.AreEqual(25, InputGrid.ExactMultiplier(116.28f));
    }

    [TestMethod]
    public void EqualChannels_KeepTheSmallestGrid()
    {
        CollectionAssert.AreEqual(new[] { 2, 2, 2 }, InputGrid.Multipliers(new[] { 127.5f, 127.5f, 127.5f }, new[] { 127.5f, 127.5f, 127.5f }));
        CollectionAssert.AreEqual(new[] { 1 }, InputGrid.Multipliers(new[] { 0f }, new[] { 1f }));
    }

    [TestMethod]
    public void ImageNetStatistics_GetNearlyEqualScales_ExactAndInsideInt16()
    {
        float[] mean = { 123.675f, 116.28f, 103.53f }, std = { 58.395f, 57.12f, 57.375f };
        var k = InputGrid.Multipliers(mean, std);
        var levels = k.Select((v, c) => v * (double)std[c]).ToArray();
        // The smallest exact grids (40, 25, 100) put the scales 4× apart.
        Assert.IsLessThan(1.1, levels.Max() / levels.Min(), $"k = {string.Join(",", k)}");
        for (int c = 0; c < 3; c++)
        {
            Assert.AreEqual(0, k[c] % InputGrid.ExactMultiplier(mean[c]), "k must keep k·mean an integer");
            Assert.IsLessThanOrEqualTo(short.MaxValue, k[c] * Math.Max(mean[c], 255 - mean[c]));
        }
    }

    [TestMethod]
    public void DegenerateDeviation_FallsBackToTheExactGrid()
    {
        CollectionAssert.AreEqual(new[] { 40, 25 }, InputGrid.Multipliers(new[] { 123.675f, 116.28f }, new[] { 0f, 57.12f }));
    }
}

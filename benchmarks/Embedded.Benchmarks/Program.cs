using BenchmarkDotNet.Running;

// Runs the kernel benchmarks; pass BenchmarkDotNet arguments, e.g. --filter '*Pointwise*' or --list flat.
BenchmarkSwitcher.FromAssembly(typeof(Embedded.Benchmarks.KernelBenchmarks).Assembly).Run(args);

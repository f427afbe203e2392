#if NET
// Kernels inline many vector temporaries and stage-constant structs; with the compiler's default zero-initialization the
// JIT clears every such frame slot in each call's prolog (kilobytes per call for the AVX-512 row kernels). Every local
// and stackalloc in this assembly is written before it is read (window buffers are cleared explicitly), so skip it.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
#endif

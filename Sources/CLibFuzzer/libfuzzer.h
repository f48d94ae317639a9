// libFuzzer's driver, for a program that has its own main (SwiftPM names an executable's entry
// point <product>_main and aliases main to it, so libFuzzer's main is not linked).
// Defined by libclang_rt.fuzzer, which -sanitize=fuzzer links; referenced only in fuzzing builds.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

// Fuzzing entry point: `BlindAI.Fuzzing <harness> fuzz|seed <dir>|replay <path>...` (see fuzz/README.md).
using BlindAI.Fuzzing;

return HarnessCommand.Run(args);

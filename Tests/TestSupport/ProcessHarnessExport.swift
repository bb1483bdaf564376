// Tests use the process harness (child processes, baresip, network namespaces) through TestSupport,
// as they did when it lived here; the bench links ProcessHarness alone, without test code.
@_exported import ProcessHarness

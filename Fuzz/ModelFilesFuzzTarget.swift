// A libFuzzer target for the model-file readers: any bytes are decoded as
// .safetensors and as .npz under a small element limit. Any crash is a bug.
//
// Built and run by scripts/fuzz models (not part of the SwiftPM package).

import Attention

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let context = ExecutionContext(maximumElements: 1 << 16)
  _ = try? context.run { try SafetensorsFormat.decode(bytes) }
  _ = try? context.run { try NumPyArchiveFormat.decode(bytes) }
  return 0
}

// A libFuzzer target for the .npy reader: any bytes are decoded under a
// small element limit, and a tensor that comes out is written back and
// read again (it must round-trip). Any crash is a bug.
//
// Built and run by scripts/fuzz npy (not part of the SwiftPM package).

import Attention

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let context = ExecutionContext(maximumElements: 1 << 16)
  guard let tensor = try? context.run({ try NumPyFormat.decode(bytes) }) else { return 0 }
  guard let again = try? NumPyFormat.decode(NumPyFormat.encode(tensor)),
    again.shape == tensor.shape,
    zip(again.scalars, tensor.scalars).allSatisfy({ $0 == $1 || ($0.isNaN && $1.isNaN) })
  else { fatalError("a decoded .npy tensor does not round-trip") }
  return 0
}

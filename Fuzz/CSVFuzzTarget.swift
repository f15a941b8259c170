// A libFuzzer target for the CSV reader: any text is decoded under a small
// element limit, and a tensor that comes out is written back and read again
// (it must round-trip). Any crash is a bug.
//
// Built and run by scripts/fuzz csv (not part of the SwiftPM package).

import Attention

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let context = ExecutionContext(maximumElements: 1 << 16)
  guard let tensor = try? context.run({ try CSVFormat.decode(text) }) else { return 0 }
  guard let written = try? CSVFormat.encode(tensor), let again = try? CSVFormat.decode(written),
    again.count == tensor.count,
    zip(again.scalars, tensor.scalars).allSatisfy({ $0 == $1 || ($0.isNaN && $1.isNaN) })
  else { fatalError("a decoded CSV tensor does not round-trip") }
  return 0
}

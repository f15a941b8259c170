// A libFuzzer target for the kernel protocol of `attn serve --stdio`: the
// input is split into request lines exactly as the server reads standard
// input (RequestLines, fed in pieces whose sizes the bytes choose), and each
// line is answered by the server's own code. Half the lines are the raw
// bytes; the other half are requests built from them — every request kind,
// with ids and cursors of every JSON type and range, code from the bytes.
// A fresh session, a small element limit, 200 ms. Any crash is a bug.
//
// Built and run by scripts/fuzz protocol (not part of the SwiftPM package).

import AttnLang
import Dispatch
import Foundation
import _AttnServe

/// A JSON value of a type the bytes choose, for a field a request has.
func field(_ byte: UInt8, text: String) -> Any {
  switch byte % 10 {
  case 0: return -1
  case 1: return Int.max
  case 2: return Int(byte) - 128
  case 3: return text.unicodeScalars.count
  case 4: return 1.5
  case 5: return text
  case 6: return NSNull()
  case 7: return [1, 2]
  case 8: return ["cursor": 1]
  default: return Int(byte)
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  var options = SessionOptions()
  options.maximumElements = 20_000
  options.files = .confined(to: [], base: "/nonexistent-attn-fuzz", hint: nil)
  let session = Session(options: options)
  DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { [stop = session.stop] in stop.request() }
  let server = Server(session: session)

  // Build the input stream: raw lines, and requests made from them.
  var stream: [UInt8] = []
  for (index, slice) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
    let piece = Array(slice)
    let text = String(decoding: piece, as: UTF8.self)
    if index % 2 == 0 || piece.isEmpty {
      stream += piece + [0x0A]
      continue
    }
    let kinds = ["execute", "complete", "inspect", "is_complete", "frobnicate"]
    var request: [String: Any] = [kinds[Int(piece[0]) % kinds.count]: text]
    request["id"] = field(piece[piece.count / 2], text: text)
    request["cursor"] = field(piece[piece.count - 1], text: text)
    if let json = try? JSONSerialization.data(withJSONObject: request) { stream += Array(json) + [0x0A] }
  }

  // Feed it as read(2) would, in pieces of sizes the bytes choose.
  var offset = 0
  var lines = RequestLines { buffer in
    guard offset < stream.count else { return 0 }
    let want = 1 + Int(bytes.isEmpty ? 0 : bytes[offset % bytes.count]) * 37
    let count = min(want, buffer.count, stream.count - offset)
    buffer.replaceSubrange(0..<count, with: stream[offset..<(offset + count)])
    offset += count
    return count
  }
  let deadline = DispatchTime.now().uptimeNanoseconds + 200_000_000
  while let line = lines.next(), DispatchTime.now().uptimeNanoseconds < deadline {
    if let response = server.respond(to: line) {
      _ = try? JSONSerialization.data(withJSONObject: response, options: [.withoutEscapingSlashes])
    }
  }
  return 0
}

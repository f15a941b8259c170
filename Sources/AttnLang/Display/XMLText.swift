/// Text made safe inside XML and HTML (SVG figures, exported pages, JUnit
/// reports): markup characters become entities, and control characters —
/// which XML does not allow — become `?`.
public func escapeXML(_ text: String) -> String {
  var result = ""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "&": result += "&amp;"
    case "<": result += "&lt;"
    case ">": result += "&gt;"
    case "\"": result += "&quot;"
    case "'": result += "&apos;"
    case _ where scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r":
      result += "?"
    default: result.unicodeScalars.append(scalar)
    }
  }
  return result
}

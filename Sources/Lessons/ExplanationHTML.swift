import AttnLang

/// An explanation in an exported page: one collapsible `<details>` element
/// per stage (open), tables as HTML tables, tensors as text and pictures as
/// inline SVG. Needs no script.
public enum ExplanationHTML {
  public static func render(_ explanation: Explanation) -> String {
    var html = "<div class=\"explanation\">\n<p><strong>explain</strong> <code>\(escapeXML(explanation.call))</code> — "
    html += escapeXML(explanation.summary) + "</p>\n"
    for (number, stage) in explanation.stages.enumerated() {
      html += "<details open><summary>\(number + 1). \(escapeXML(stage.title))"
      if !stage.formula.isEmpty { html += "<span class=\"formula\">\(escapeXML(stage.formula))</span>" }
      html += "</summary>\n"
      for item in stage.items {
        switch item {
        case .note(let text):
          html += "<p>\(escapeXML(text))</p>\n"
        case .tensor:
          html += "<pre class=\"output\">" + escapeXML(item.text()) + "</pre>\n"
        case .table(let table):
          if !table.caption.isEmpty { html += "<p>\(escapeXML(table.caption))</p>\n" }
          html += "<table><tr>" + table.headers.map { "<th>\(escapeXML($0))</th>" }.joined() + "</tr>\n"
          for row in table.rows { html += "<tr>" + row.map { "<td>\(escapeXML($0))</td>" }.joined() + "</tr>\n" }
          html += "</table>\n"
        case .figure(let figure):
          html += "<div class=\"figure\">\n" + FigureSVG.render(figure) + "</div>\n"
        }
      }
      html += "</details>\n"
    }
    return html + "</div>\n"
  }
}

/// A recursive-descent parser for the attn language.
///
/// Precedence, loosest to tightest: comparisons; `+ -`; `* / @`; unary `-`;
/// `^` (right-associative, so `-2^2` is −4 and `2^3^2` is 512); postfix call,
/// index and field. After a syntax error the parser skips to the next
/// statement boundary and goes on, so one run reports every bad line.
/// Nesting is bounded (``maximumDepth``) so hostile input cannot overflow the stack.
public struct Parser {
  /// How deeply expressions may nest before the parser refuses them.
  public static let maximumDepth = 200
  /// How many operators, calls, indexings and fields one statement may chain
  /// (`1 + 1 + …`, `x.T.T…`): evaluation recurses once per link.
  public static let maximumChain = 2_000

  let source: SourceFile
  var tokens: [Token]
  var current = 0
  var depth = 0
  /// Links built in the current statement, bounded by ``maximumChain``.
  var chain = 0
  public private(set) var diagnostics: [Diagnostic] = []
  /// True when the input ended inside open brackets.
  public private(set) var isIncomplete = false

  public init(_ source: SourceFile) {
    self.source = source
    var lexer = Lexer(source)
    tokens = lexer.tokenize()
    diagnostics = lexer.diagnostics
    isIncomplete = lexer.hasOpenBrackets
  }

  struct SyntaxError: Error {
    var diagnostic: Diagnostic
  }

  /// Every statement of the source; check ``diagnostics`` afterwards.
  public mutating func parseProgram() -> [Statement] {
    var statements: [Statement] = []
    while true {
      skipSeparators()
      if peek.kind == .end { break }
      do {
        statements.append(try statement())
      } catch {
        diagnostics.append(error.diagnostic)
        synchronize()
      }
    }
    return statements
  }

  // MARK: Statements

  mutating func statement() throws(SyntaxError) -> Statement {
    let start = peek.range
    chain = 0
    let kind: Statement.Kind
    if case .identifier(let name) = peek.kind, tokens[current + 1].kind == .equals {
      let nameRange = advance().range
      advance()
      kind = .assign(name: name, nameRange: nameRange, value: try expression())
    } else {
      let value = try expression()
      if peek.kind == .equals {
        throw SyntaxError(
          diagnostic: Diagnostic("only a name can be assigned to, as in 'x = ...'", at: value.range))
      }
      kind = .expression(value)
    }
    let end = tokens[current - 1].range
    var isSilent = false
    switch peek.kind {
    case .semicolon:
      advance()
      isSilent = true
    case .newline, .end:
      break
    default:
      throw SyntaxError(
        diagnostic: Diagnostic(
          "unexpected \(describe(peek)) after the statement; start a new line or use ';'", at: peek.range))
    }
    return Statement(kind, isSilent: isSilent, range: start.union(end))
  }

  mutating func skipSeparators() {
    while peek.kind == .newline || peek.kind == .semicolon { advance() }
  }

  /// Skips to just after the next newline (or `;`), the start of a new statement.
  mutating func synchronize() {
    while peek.kind != .end {
      let token = advance()
      if token.kind == .newline || token.kind == .semicolon { return }
    }
  }

  // MARK: Expressions

  mutating func expression() throws(SyntaxError) -> Expr {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Parser.maximumDepth else {
      throw SyntaxError(
        diagnostic: Diagnostic(
          "expression is nested too deeply (more than \(Parser.maximumDepth) levels)", at: peek.range))
    }
    return try comparison()
  }

  /// Counts one more link of a chain, refusing statements that are too long.
  mutating func link(at range: SourceRange) throws(SyntaxError) {
    chain += 1
    guard chain <= Parser.maximumChain else {
      throw SyntaxError(
        diagnostic: Diagnostic(
          "statement is too long (more than \(Parser.maximumChain) operations); split it into several statements",
          at: range))
    }
  }

  mutating func comparison() throws(SyntaxError) -> Expr {
    var left = try additive()
    while let op = binaryOperator(in: [.less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual]) {
      try link(at: left.range)
      let right = try additive()
      left = Expr(.binary(op, left, right), left.range.union(right.range))
    }
    return left
  }

  mutating func additive() throws(SyntaxError) -> Expr {
    var left = try multiplicative()
    while let op = binaryOperator(in: [.add, .subtract]) {
      try link(at: left.range)
      let right = try multiplicative()
      left = Expr(.binary(op, left, right), left.range.union(right.range))
    }
    return left
  }

  mutating func multiplicative() throws(SyntaxError) -> Expr {
    var left = try unary()
    while let op = binaryOperator(in: [.multiply, .divide, .matmul]) {
      try link(at: left.range)
      let right = try unary()
      left = Expr(.binary(op, left, right), left.range.union(right.range))
    }
    return left
  }

  mutating func unary() throws(SyntaxError) -> Expr {
    if peek.kind == .minus || peek.kind == .plus {
      let sign = advance()
      depth += 1
      defer { depth -= 1 }
      guard depth <= Parser.maximumDepth else {
        throw SyntaxError(diagnostic: Diagnostic("too many signs in a row", at: sign.range))
      }
      let operand = try unary()
      if sign.kind == .plus { return operand }
      if case .number(let value) = operand.kind {
        return Expr(.number(-value), sign.range.union(operand.range))
      }
      return Expr(.negate(operand), sign.range.union(operand.range))
    }
    return try power()
  }

  mutating func power() throws(SyntaxError) -> Expr {
    let base = try postfix()
    guard peek.kind == .caret else { return base }
    advance()
    depth += 1
    defer { depth -= 1 }
    guard depth <= Parser.maximumDepth else {
      throw SyntaxError(diagnostic: Diagnostic("too many '^' in a row", at: peek.range))
    }
    let exponent = try unary()
    return Expr(.binary(.power, base, exponent), base.range.union(exponent.range))
  }

  mutating func postfix() throws(SyntaxError) -> Expr {
    var expr = try primary()
    while true {
      if peek.kind == .leftBracket || peek.kind == .dot { try link(at: expr.range) }
      switch peek.kind {
      case .leftBracket:
        advance()
        var items: [IndexItem] = []
        if peek.kind != .rightBracket {
          repeat { items.append(try indexItem()) } while match(.comma)
        }
        let close = try expect(.rightBracket, "to close the index")
        expr = Expr(.index(expr, items), expr.range.union(close.range))
      case .dot:
        advance()
        guard case .identifier(let name) = peek.kind else {
          throw SyntaxError(diagnostic: Diagnostic("expected a field name after '.'", at: peek.range))
        }
        let nameToken = advance()
        expr = Expr(.field(expr, name: name, nameRange: nameToken.range), expr.range.union(nameToken.range))
      case .leftParen:
        throw SyntaxError(
          diagnostic: Diagnostic("only builtin functions can be called, as in 'softmax(x)'", at: peek.range))
      default:
        return expr
      }
    }
  }

  mutating func indexItem() throws(SyntaxError) -> IndexItem {
    let start = peek.range
    var start_: Expr? = nil
    if peek.kind != .colon { start_ = try expression() }
    guard match(.colon) else {
      guard let position = start_ else {
        throw SyntaxError(diagnostic: Diagnostic("expected an index", at: peek.range))
      }
      return .position(position)
    }
    var end: Expr? = nil
    var step: Expr? = nil
    if ![.colon, .comma, .rightBracket].contains(peek.kind) { end = try expression() }
    if match(.colon), ![.comma, .rightBracket].contains(peek.kind) { step = try expression() }
    return .slice(start: start_, end: end, step: step, range: start.union(tokens[current - 1].range))
  }

  mutating func primary() throws(SyntaxError) -> Expr {
    let token = peek
    switch token.kind {
    case .number(let value):
      advance()
      return Expr(.number(value), token.range)
    case .string(let text):
      advance()
      return Expr(.string(text), token.range)
    case .identifier(let name):
      advance()
      if peek.kind == .leftParen { return try call(name: name, nameRange: token.range) }
      return Expr(.name(name), token.range)
    case .leftParen:
      advance()
      let inner = try expression()
      let close = try expect(.rightParen, "to close '('")
      return Expr(inner.kind, token.range.union(close.range))
    case .leftBracket:
      advance()
      var elements: [Expr] = []
      if peek.kind != .rightBracket {
        repeat {
          if peek.kind == .rightBracket { break }  // allow a trailing comma
          elements.append(try expression())
        } while match(.comma)
      }
      let close = try expect(.rightBracket, "to close '['")
      return Expr(.list(elements), token.range.union(close.range))
    default:
      throw SyntaxError(diagnostic: Diagnostic("expected an expression, found \(describe(token))", at: token.range))
    }
  }

  mutating func call(name: String, nameRange: SourceRange) throws(SyntaxError) -> Expr {
    advance()
    var arguments: [CallArgument] = []
    var sawNamed = false
    if peek.kind != .rightParen {
      repeat {
        if peek.kind == .rightParen { break }
        if case .identifier(let label) = peek.kind, tokens[current + 1].kind == .colon {
          let labelToken = advance()
          advance()
          if arguments.contains(where: { $0.label == label }) {
            throw SyntaxError(diagnostic: Diagnostic("argument '\(label)' is given twice", at: labelToken.range))
          }
          arguments.append(CallArgument(label: label, labelRange: labelToken.range, value: try expression()))
          sawNamed = true
        } else {
          let value = try expression()
          if sawNamed {
            throw SyntaxError(
              diagnostic: Diagnostic("positional arguments must come before named ones", at: value.range))
          }
          arguments.append(CallArgument(value: value))
        }
      } while match(.comma)
    }
    let close = try expect(.rightParen, "to close the call to \(name)")
    return Expr(.call(name: name, nameRange: nameRange, arguments: arguments), nameRange.union(close.range))
  }

  // MARK: Tokens

  var peek: Token { tokens[current] }

  @discardableResult
  mutating func advance() -> Token {
    let token = tokens[current]
    if current < tokens.count - 1 { current += 1 }
    return token
  }

  mutating func match(_ kind: Token.Kind) -> Bool {
    guard peek.kind == kind else { return false }
    advance()
    return true
  }

  mutating func binaryOperator(in operators: [BinaryOperator]) -> BinaryOperator? {
    let op: BinaryOperator?
    switch peek.kind {
    case .plus: op = .add
    case .minus: op = .subtract
    case .star: op = .multiply
    case .slash: op = .divide
    case .at: op = .matmul
    case .less: op = .less
    case .lessEqual: op = .lessEqual
    case .greater: op = .greater
    case .greaterEqual: op = .greaterEqual
    case .equalEqual: op = .equal
    case .bangEqual: op = .notEqual
    default: op = nil
    }
    guard let op, operators.contains(op) else { return nil }
    advance()
    return op
  }

  mutating func expect(_ kind: Token.Kind, _ purpose: String) throws(SyntaxError) -> Token {
    guard peek.kind == kind else {
      throw SyntaxError(
        diagnostic: Diagnostic("expected '\(kind.spelling)' \(purpose), found \(describe(peek))", at: peek.range))
    }
    return advance()
  }

  func describe(_ token: Token) -> String {
    switch token.kind {
    case .newline, .end: return token.kind.spelling
    default: return "'\(source.text(in: token.range))'"
    }
  }
}

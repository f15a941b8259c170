/// A recursive-descent parser for the attn language.
///
/// Precedence, loosest to tightest: lambdas `x -> …`; `or`; `and`; `not`;
/// comparisons; `+ -`; `* / % @`; unary `-`; `^` (right-associative, so
/// `-2^2` is −4 and `2^3^2` is 512); postfix call, index and field. After a
/// syntax error the parser skips to the next statement boundary (inside a
/// block, to the next line of that block) and goes on, so one run reports
/// every bad line. Nesting is bounded (``maximumDepth``) so hostile input
/// cannot overflow the stack.
public struct Parser {
  /// How deeply expressions and blocks may nest before the parser refuses them.
  public static let maximumDepth = 200
  /// How many operators, calls, indexings and fields one statement may chain
  /// (`1 + 1 + …`, `x.T.T…`): evaluation recurses once per link.
  public static let maximumChain = 2_000
  /// Words that cannot name variables.
  public static let keywords: Set<String> = [
    "def", "if", "else", "for", "in", "while", "break", "continue", "return", "and", "or", "not",
  ]

  let source: SourceFile
  var tokens: [Token]
  let comments: [Comment]
  var current = 0
  var depth = 0
  /// Links built in the current statement, bounded by ``maximumChain``.
  var chain = 0
  /// False while parsing an `if`/`while` condition or a `for` sequence,
  /// where `{` opens the block rather than a record.
  var allowsRecord = true
  public private(set) var diagnostics: [Diagnostic] = []
  /// True when the input ended inside open brackets or braces.
  public private(set) var isIncomplete = false

  public init(_ source: SourceFile) {
    self.init(source, lexer: Lexer(source))
  }

  /// Parses only `range` of `source`, a run of whole top-level statements.
  init(_ source: SourceFile, range: Range<Int>) {
    self.init(source, lexer: Lexer(source, range: range))
  }

  private init(_ source: SourceFile, lexer: Lexer) {
    self.source = source
    var lexer = lexer
    tokens = lexer.tokenize()
    comments = lexer.comments
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
      if peek.kind == .rightBrace {
        diagnostics.append(Diagnostic("'}' has no matching '{'", at: advance().range))
        continue
      }
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
    switch keyword {
    case "def": kind = .function(try functionDeclaration())
    case "if": kind = try ifStatement()
    case "for": kind = try forStatement()
    case "while": kind = try whileStatement()
    case "break":
      advance()
      kind = .break
    case "continue":
      advance()
      kind = .continue
    case "return":
      advance()
      kind = .return(endsStatement ? nil : try expression())
    case "else":
      throw error("'else' must follow '}' on the same line, as in '} else {'", at: peek.range)
    default:
      let value = try expression()
      if let compound = compoundOperator {
        advance()
        let target = try assignmentTarget(value)
        let right = try expression()
        kind = .assign(target, value: Expr(.binary(compound, value, right), value.range.union(right.range)))
      } else if peek.kind == .equals {
        advance()
        kind = .assign(try assignmentTarget(value), value: try expression())
      } else {
        kind = .expression(value)
      }
    }
    let end = tokens[current - 1].range
    var isSilent = false
    switch peek.kind {
    case .semicolon:
      advance()
      isSilent = true
    case .newline, .end, .rightBrace:
      break
    default:
      throw error("unexpected \(describe(peek)) after the statement; start a new line or use ';'", at: peek.range)
    }
    return Statement(kind, isSilent: isSilent, range: start.union(end))
  }

  /// Whether the statement ends here (for a bare `return`).
  var endsStatement: Bool {
    [.newline, .end, .semicolon, .rightBrace].contains(peek.kind)
  }

  /// The operator of `+=`, `-=`, `*=`, `/=` at the current token.
  var compoundOperator: BinaryOperator? {
    switch peek.kind {
    case .plusEquals: return .add
    case .minusEquals: return .subtract
    case .starEquals: return .multiply
    case .slashEquals: return .divide
    default: return nil
    }
  }

  /// What the left side of `=` may be: a name followed by fields and subscripts.
  func assignmentTarget(_ expr: Expr) throws(SyntaxError) -> AssignmentTarget {
    var path: [AssignmentTarget.Step] = []
    var base = expr
    while true {
      switch base.kind {
      case .name(let name):
        if Parser.keywords.contains(name) {
          throw error("'\(name)' is a keyword and cannot be assigned to", at: base.range)
        }
        return AssignmentTarget(name: name, nameRange: base.range, path: path.reversed(), range: expr.range)
      case .field(let inner, let name, let nameRange):
        path.append(.field(name, range: nameRange))
        base = inner
      case .index(let inner, let items):
        path.append(.index(items, range: base.range))
        base = inner
      default:
        throw error(
          "only a name, a field or an element can be assigned to, as in 'x = …', 'r.lr = …' or 'l[0] = …'",
          at: expr.range)
      }
    }
  }

  mutating func ifStatement() throws(SyntaxError) -> Statement.Kind {
    var branches: [ConditionalBlock] = []
    var otherwise: Block? = nil
    advance()
    branches.append(ConditionalBlock(condition: try condition(), body: try block("after the condition of 'if'")))
    while keyword == "else" {
      advance()
      if keyword == "if" {
        advance()
        branches.append(ConditionalBlock(condition: try condition(), body: try block("after the condition of 'if'")))
      } else {
        otherwise = try block("after 'else'")
        break
      }
    }
    return .if(branches: branches, otherwise: otherwise)
  }

  mutating func forStatement() throws(SyntaxError) -> Statement.Kind {
    advance()
    guard case .identifier(let name) = peek.kind, !Parser.keywords.contains(name) else {
      throw error("expected a variable name after 'for', as in 'for i in range(3) { … }'", at: peek.range)
    }
    let nameRange = advance().range
    guard keyword == "in" else {
      throw error("expected 'in' after 'for \(name)', as in 'for \(name) in range(3) { … }'", at: peek.range)
    }
    advance()
    let sequence = try condition()
    return .for(name: name, nameRange: nameRange, sequence: sequence, body: try block("after the sequence of 'for'"))
  }

  mutating func whileStatement() throws(SyntaxError) -> Statement.Kind {
    advance()
    let test = try condition()
    return .while(condition: test, body: try block("after the condition of 'while'"))
  }

  /// An expression before a block's `{`, which must not be read as a record.
  mutating func condition() throws(SyntaxError) -> Expr {
    let saved = allowsRecord
    allowsRecord = false
    defer { allowsRecord = saved }
    return try expression()
  }

  /// `{ statements }`; the `{` must be on the same line.
  mutating func block(_ purpose: String) throws(SyntaxError) -> Block {
    guard peek.kind == .leftBrace else {
      throw error("expected '{' \(purpose), on the same line", at: peek.range)
    }
    let open = advance()
    try enterNesting(at: open.range)
    defer { depth -= 1 }
    var statements: [Statement] = []
    let savedChain = chain
    let savedRecord = allowsRecord
    allowsRecord = true
    defer {
      chain = savedChain
      allowsRecord = savedRecord
    }
    while true {
      skipSeparators()
      if peek.kind == .rightBrace { break }
      if peek.kind == .end { throw error("expected '}' to close the block", at: peek.range) }
      do {
        statements.append(try statement())
      } catch {
        diagnostics.append(error.diagnostic)
        synchronize()
      }
    }
    let close = advance()
    return Block(statements, range: open.range.union(close.range))
  }

  /// `def name(x, y, t: 1) = expression` or `def name(x) { … }`.
  mutating func functionDeclaration() throws(SyntaxError) -> FunctionDeclaration {
    let defToken = advance()
    guard case .identifier(let name) = peek.kind, !Parser.keywords.contains(name) else {
      throw error("expected the function's name after 'def', as in 'def f(x) = 2 * x'", at: peek.range)
    }
    let nameRange = advance().range
    guard peek.kind == .leftParen else {
      throw error("expected '(' and the parameters after 'def \(name)', as in 'def \(name)(x) = …'", at: peek.range)
    }
    let parameters = try parameterList()
    let body: FunctionDeclaration.Body
    if peek.kind == .equals {
      advance()
      body = .expression(try expression())
    } else if peek.kind == .leftBrace {
      body = .block(try block("for the body"))
    } else {
      throw error("expected '=' and an expression, or '{', after the parameters of \(name)", at: peek.range)
    }
    return FunctionDeclaration(
      name: name, nameRange: nameRange, parameters: parameters, body: body,
      documentation: documentation(above: defToken.range.start),
      range: defToken.range.union(tokens[current - 1].range))
  }

  /// `(x, y, t: 1)`: positional names, then named ones with defaults.
  mutating func parameterList() throws(SyntaxError) -> [FunctionDeclaration.Parameter] {
    advance()
    var parameters: [FunctionDeclaration.Parameter] = []
    // Names seen, in a set: a function of 100 000 parameters parses in linear time.
    var names = Set<String>()
    var sawNamed = false
    if peek.kind != .rightParen {
      repeat {
        if peek.kind == .rightParen { break }
        guard case .identifier(let name) = peek.kind, !Parser.keywords.contains(name) else {
          throw error("expected a parameter name, found \(describe(peek))", at: peek.range)
        }
        let range = advance().range
        guard names.insert(name).inserted else {
          throw error("parameter '\(name)' is declared twice", at: range)
        }
        var defaultValue: Expr? = nil
        if match(.colon) {
          defaultValue = try expression()
          sawNamed = true
        } else if sawNamed {
          throw error(
            "positional parameter '\(name)' must come before the named ones (those with a default, 't: 1')",
            at: range)
        } else if peek.kind == .equals {
          throw error("a named parameter's default is written 'name: value', as in 't: 1'", at: peek.range)
        }
        parameters.append(FunctionDeclaration.Parameter(name: name, range: range, defaultValue: defaultValue))
      } while match(.comma)
    }
    _ = try expect(.rightParen, "to close the parameters")
    return parameters
  }

  /// The comment lines directly above `offset`'s line, each on a line of its own.
  func documentation(above offset: Int) -> String? {
    var line = source.lineIndex(of: offset)
    var lines: [String] = []
    var index = comments.count - 1
    while index >= 0, comments[index].range.start >= offset { index -= 1 }
    while index >= 0, line > 0 {
      let comment = comments[index]
      guard source.lineIndex(of: comment.range.start) == line - 1, source.isAlone(comment.range) else { break }
      lines.append(comment.text)
      line -= 1
      index -= 1
    }
    return lines.isEmpty ? nil : lines.reversed().joined(separator: "\n")
  }

  mutating func skipSeparators() {
    while peek.kind == .newline || peek.kind == .semicolon { advance() }
  }

  mutating func skipNewlines() {
    while peek.kind == .newline { advance() }
  }

  /// Skips to just after the next newline (or `;`) at this level of braces,
  /// or to a `}` that closes the enclosing block (left for the block).
  mutating func synchronize() {
    var open = 0
    while peek.kind != .end {
      switch peek.kind {
      case .leftBrace: open += 1
      case .rightBrace:
        if open == 0 { return }
        open -= 1
      case .newline, .semicolon:
        if open == 0 {
          advance()
          return
        }
      default: break
      }
      advance()
    }
  }

  // MARK: Expressions

  mutating func expression() throws(SyntaxError) -> Expr {
    try enterNesting(at: peek.range)
    defer { depth -= 1 }
    if let lambda = try lambda() { return lambda }
    return try disjunction()
  }

  mutating func enterNesting(at range: SourceRange) throws(SyntaxError) {
    depth += 1
    guard depth <= Parser.maximumDepth else {
      throw error("expression is nested too deeply (more than \(Parser.maximumDepth) levels)", at: range)
    }
  }

  /// Counts one more link of a chain, refusing statements that are too long.
  mutating func link(at range: SourceRange) throws(SyntaxError) {
    chain += 1
    guard chain <= Parser.maximumChain else {
      throw error(
        "statement is too long (more than \(Parser.maximumChain) operations); split it into several statements",
        at: range)
    }
  }

  /// `x -> body` or `(x, y) -> body`, when the tokens ahead are one.
  mutating func lambda() throws(SyntaxError) -> Expr? {
    let start = peek.range
    var parameters: [FunctionDeclaration.Parameter] = []
    if case .identifier(let name) = peek.kind, tokens[current + 1].kind == .arrow {
      guard !Parser.keywords.contains(name) else { return nil }
      parameters = [FunctionDeclaration.Parameter(name: name, range: advance().range, defaultValue: nil)]
    } else if peek.kind == .leftParen, let close = closingParenOfNames(from: current), tokens[close + 1].kind == .arrow
    {
      parameters = try parameterList()
    } else {
      return nil
    }
    advance()  // ->
    let body = try expression()
    return Expr(
      .lambda(
        FunctionDeclaration(
          name: "lambda", nameRange: start, parameters: parameters, body: .expression(body), documentation: nil,
          range: start.union(body.range))), start.union(body.range))
  }

  /// The index of the `)` when `(` at `open` holds only names and commas.
  func closingParenOfNames(from open: Int) -> Int? {
    var index = open + 1
    while index < tokens.count {
      switch tokens[index].kind {
      case .rightParen: return index
      case .identifier, .comma: index += 1
      default: return nil
      }
    }
    return nil
  }

  mutating func disjunction() throws(SyntaxError) -> Expr {
    var left = try conjunction()
    while keyword == "or" {
      advance()
      try link(at: left.range)
      let right = try conjunction()
      left = Expr(.logical(.or, left, right), left.range.union(right.range))
    }
    return left
  }

  mutating func conjunction() throws(SyntaxError) -> Expr {
    var left = try negation()
    while keyword == "and" {
      advance()
      try link(at: left.range)
      let right = try negation()
      left = Expr(.logical(.and, left, right), left.range.union(right.range))
    }
    return left
  }

  mutating func negation() throws(SyntaxError) -> Expr {
    guard keyword == "not" else { return try comparison() }
    let token = advance()
    try enterNesting(at: token.range)
    defer { depth -= 1 }
    let operand = try negation()
    return Expr(.not(operand), token.range.union(operand.range))
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
    while true {
      let operatorToken = peek
      guard let op = binaryOperator(in: [.multiply, .divide, .remainder, .matmul]) else { break }
      try pythonOperator(op, at: operatorToken.range)
      try link(at: left.range)
      let right = try unary()
      left = Expr(.binary(op, left, right), left.range.union(right.range))
    }
    return left
  }

  /// `**` and `//` written by habit from Python: say what attn writes.
  func pythonOperator(_ op: BinaryOperator, at range: SourceRange) throws(SyntaxError) {
    guard peek.range.start == range.end else { return }
    if op == .multiply, peek.kind == .star || peek.kind == .starEquals {
      throw error("attn writes powers with ^, as in x ^ 2 (** is Python's)", at: range.union(peek.range))
    }
    if op == .divide, peek.kind == .slash || peek.kind == .slashEquals {
      throw error("attn has no //: floor(a / b) divides to a whole number", at: range.union(peek.range))
    }
  }

  mutating func unary() throws(SyntaxError) -> Expr {
    if peek.kind == .minus || peek.kind == .plus {
      let sign = advance()
      depth += 1
      defer { depth -= 1 }
      guard depth <= Parser.maximumDepth else { throw error("too many signs in a row", at: sign.range) }
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
    guard depth <= Parser.maximumDepth else { throw error("too many '^' in a row", at: peek.range) }
    let exponent = try unary()
    return Expr(.binary(.power, base, exponent), base.range.union(exponent.range))
  }

  mutating func postfix() throws(SyntaxError) -> Expr {
    var expr = try primary()
    while true {
      if [.leftBracket, .dot, .leftParen].contains(peek.kind) { try link(at: expr.range) }
      switch peek.kind {
      case .leftBracket:
        advance()
        let saved = allowsRecord
        allowsRecord = true
        defer { allowsRecord = saved }
        var items: [IndexItem] = []
        if peek.kind != .rightBracket {
          repeat { items.append(try indexItem()) } while match(.comma)
        }
        let close = try expect(.rightBracket, "to close the index")
        expr = Expr(.index(expr, items), expr.range.union(close.range))
      case .dot:
        advance()
        guard case .identifier(let name) = peek.kind else {
          throw error("expected a field name after '.'", at: peek.range)
        }
        let nameToken = advance()
        expr = Expr(.field(expr, name: name, nameRange: nameToken.range), expr.range.union(nameToken.range))
      case .leftParen:
        expr = try call(expr)
      default:
        return expr
      }
    }
  }

  mutating func indexItem() throws(SyntaxError) -> IndexItem {
    let start = peek.range
    var first: Expr? = nil
    if peek.kind != .colon { first = try expression() }
    guard match(.colon) else {
      guard let position = first else { throw error("expected an index", at: peek.range) }
      return .position(position)
    }
    var end: Expr? = nil
    var step: Expr? = nil
    if ![.colon, .comma, .rightBracket].contains(peek.kind) { end = try expression() }
    if match(.colon), ![.comma, .rightBracket].contains(peek.kind) { step = try expression() }
    return .slice(start: first, end: end, step: step, range: start.union(tokens[current - 1].range))
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
      if Parser.keywords.contains(name) {
        throw error("expected an expression, found the keyword '\(name)'", at: token.range)
      }
      advance()
      return Expr(.name(name), token.range)
    case .leftParen:
      advance()
      let saved = allowsRecord
      allowsRecord = true
      defer { allowsRecord = saved }
      let inner = try expression()
      let close = try expect(.rightParen, "to close '('")
      return Expr(inner.kind, token.range.union(close.range))
    case .leftBracket:
      advance()
      let saved = allowsRecord
      allowsRecord = true
      defer { allowsRecord = saved }
      var elements: [Expr] = []
      if peek.kind != .rightBracket {
        repeat {
          if peek.kind == .rightBracket { break }  // allow a trailing comma
          elements.append(try expression())
        } while match(.comma)
      }
      let close = try expect(.rightBracket, "to close '['")
      return Expr(.list(elements), token.range.union(close.range))
    case .leftBrace where allowsRecord:
      return try record()
    default:
      throw error("expected an expression, found \(describe(token))", at: token.range)
    }
  }

  /// `{name: value, …}`, over several lines if need be.
  mutating func record() throws(SyntaxError) -> Expr {
    let open = advance()
    var fields: [RecordField] = []
    var names = Set<String>()
    skipNewlines()
    while peek.kind != .rightBrace {
      guard case .identifier(let name) = peek.kind, tokens[current + 1].kind == .colon else {
        throw error("expected a field as 'name: value' in the record", at: peek.range)
      }
      let nameRange = advance().range
      advance()
      let value = try expression()
      // Reported, and the record read on: its closing brace is no further mistake.
      if !names.insert(name).inserted {
        diagnostics.append(Diagnostic("field '\(name)' is given twice", at: nameRange))
      } else {
        fields.append(RecordField(name: name, nameRange: nameRange, value: value))
      }
      skipNewlines()
      guard match(.comma) else { break }
      skipNewlines()
    }
    let close = try expect(.rightBrace, "to close the record")
    return Expr(.record(fields), open.range.union(close.range))
  }

  /// The argument list after `callee`: positional arguments, then `name: value` ones.
  mutating func call(_ callee: Expr) throws(SyntaxError) -> Expr {
    advance()
    let saved = allowsRecord
    allowsRecord = true
    defer { allowsRecord = saved }
    var arguments: [CallArgument] = []
    var labels = Set<String>()
    var sawNamed = false
    if peek.kind != .rightParen {
      repeat {
        if peek.kind == .rightParen { break }
        if case .identifier(let label) = peek.kind, tokens[current + 1].kind == .colon {
          let labelToken = advance()
          advance()
          let value = try expression()
          if !labels.insert(label).inserted {
            diagnostics.append(Diagnostic("argument '\(label)' is given twice", at: labelToken.range))
          } else {
            arguments.append(CallArgument(label: label, labelRange: labelToken.range, value: value))
          }
          sawNamed = true
        } else {
          let value = try expression()
          if sawNamed { throw error("positional arguments must come before named ones", at: value.range) }
          arguments.append(CallArgument(value: value))
        }
      } while match(.comma)
    }
    let what = callee.name.map { "the call to \($0)" } ?? "the call"
    let close = try expect(.rightParen, "to close \(what)")
    return Expr(.call(callee: callee, arguments: arguments), callee.range.union(close.range))
  }

  // MARK: Tokens

  var peek: Token { tokens[current] }

  /// The current token when it is a keyword.
  var keyword: String? {
    guard case .identifier(let name) = peek.kind, Parser.keywords.contains(name) else { return nil }
    return name
  }

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
    case .percent: op = .remainder
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
      throw error("expected '\(kind.spelling)' \(purpose), found \(describe(peek))", at: peek.range)
    }
    return advance()
  }

  func error(_ message: String, at range: SourceRange) -> SyntaxError {
    SyntaxError(diagnostic: Diagnostic(message, at: range))
  }

  func describe(_ token: Token) -> String {
    switch token.kind {
    case .newline, .end: return token.kind.spelling
    default: return "'\(source.text(in: token.range))'"
    }
  }
}

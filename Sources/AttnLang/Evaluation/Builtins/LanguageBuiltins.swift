import Attention

extension Builtins {
  static let languageBuiltins: [Builtin] = [
    Builtin(
      name: "list", topic: .language, parameters: [.variadic("items", .any, "any values")],
      summary: "a list of the given values (any kinds, in order)",
      details: """
        Lists hold anything: numbers, tensors, strings, records, functions, other lists.
        l[0] is the first item, l[-1] the last, l[1:3] a slice; l + m joins two lists;
        len(l) counts; for x in l { … } walks through it. A list is a value: assigning
        it copies (cheaply), and l = append(l, x) grows it in place.
        """,
      example: "l = list(1, \"two\", [3, 4])\nl[1]\nlen(l)"
    ) { args in .list(args.rest.map(\.value)) },
    Builtin(
      name: "append", topic: .language,
      parameters: [.positional("l", .list, "a list"), .positional("x", .any, "the item to add")],
      summary: "the list l with x added at the end",
      details: "Write l = append(l, x): the list is then extended in place, in constant time on average.",
      example: "l = list()\nl = append(l, 1)\nl = append(l, \"two\")\nl"
    ) { args in
      guard case .list(var items) = try args.value("l") else { return .none }
      try args.runtime.checkLength(items.count + 1, of: "list", operation: "append", at: args.range)
      items.append(try args.value("x"))
      return .list(items)
    },
    Builtin(
      name: "len", topic: .language, parameters: [.positional("x", .any, "a list, string or tensor")],
      summary: "the number of items: of a list, characters of a string, rows of a tensor",
      example: "len(list(1, 2, 3))\nlen(\"emma\")\nlen(eye(4))"
    ) { args in
      let value = try args.value("x")
      return .number(Double(try length(of: value, at: args.range(of: "x"), for: "take the length of")))
    },
    Builtin(
      name: "fields", topic: .language, parameters: [.positional("r", .any, "a record")],
      summary: "the names of a record's fields, in order, as a list of strings",
      details: """
        r[name] reads a field by a name held in a string — for a model file's tensors,
        whose names have dots: for f in fields(m) { print(f, shape(m[f])) }.
        """,
      example: "fields({wq: eye(2), lr: 0.1})"
    ) { args in
      guard case .record(let record) = try args.value("r") else {
        throw Diagnostic(
          "fields: r must be a record, got \(try args.value("r").typeName)", at: args.range(of: "r"))
      }
      return .list(record.fields.map { .string($0.name) })
    },
    Builtin(
      name: "range", topic: .language,
      parameters: [
        .positional("a", .integer, "the end (with one argument) or the start"),
        .optional("b", .integer, shown: "none", "the end (not included)"),
        .optional("step", .integer, shown: "1", "the distance between numbers"),
      ],
      summary: "the whole numbers from a up to (not including) b, as a list",
      details: """
        range(n) is 0, 1, …, n-1; range(a, b) is a, …, b-1; range(a, b, step) counts
        by step (negative to count down). In 'for i in range(…)' the numbers are
        counted, not stored, so a loop of a million steps needs no list.
        """,
      example: "range(4)\nrange(2, 10, 3)\nfor i in range(3) { print(i) }"
    ) { args in
      var numbers = [try args.double("a")]
      if let end = try args.optionalInt("b") { numbers.append(Double(end)) }
      if let step = try args.optionalInt("step") {
        if numbers.count == 1 { numbers = [0, numbers[0]] }
        numbers.append(Double(step))
      }
      let (start, end, step) = try rangeBounds(numbers, at: args.range)
      let count = max(0, Int(((end - start) / step).rounded(.up)))
      try args.runtime.library(args.range, as: "range") {
        try ExecutionContext.current.reserve([count], operation: "range")
      }
      return .list((0..<count).map { .number(start + Double($0) * step) })
    },
    Builtin(
      name: "progress", topic: .language,
      parameters: [
        .positional("items", .any, "what the loop walks through: range(n), a list, …"),
        .named("show", .string, shown: "none", "the name of a variable to show at each step, such as \"loss\""),
        .named("tokens", .number, shown: "none", "tokens one step processes (B·T), to show tokens per second"),
      ],
      summary: "in 'for x in progress(…)': a progress bar for a long loop",
      details: """
        for step in progress(range(1000), show: "loss") { … } draws a bar on a terminal with
        the step, the rate, the time left and the variable's value; it never draws into
        pipes, files or lesson checks. Ctrl-C ends such a loop after the step in progress,
        keeps every variable (the parameters trained so far) and says at which step it
        stopped. With tokens: 12 * 64 (a batch's tokens) the rate is also given in tokens
        per second. Anywhere else progress(items) is just items.
        """,
      example: "total = 0\nfor i in progress(range(100)) { total += i }\ntotal"
    ) { args in try args.value("items") },
    Builtin(
      name: "map", topic: .language,
      parameters: [
        .positional("f", .function, "a function of one argument"),
        .positional("items", .any, "a list, string or tensor (by rows)"),
      ],
      summary: "the list of f(x) for each item x",
      example: "map(x -> x^2, list(1, 2, 3))\nmap(len, list(\"a\", \"bb\"))"
    ) { args in
      let function = try args.function("f")
      let items = try args.value("items")
      let count = try length(of: items, at: args.range(of: "items"), for: "map over")
      var results: [Value] = []
      results.reserveCapacity(count)
      for position in 0..<count {
        try args.runtime.checkStop(at: args.range)
        results.append(try args.call(function, [try element(of: items, at: position, range: args.range)]))
      }
      return .list(results)
    },
    Builtin(
      name: "filter", topic: .language,
      parameters: [
        .positional("f", .function, "a test of one argument"),
        .positional("items", .any, "a list, string or tensor (by rows)"),
      ],
      summary: "the list of the items x for which f(x) is true",
      example: "filter(x -> x > 1, list(1, 2, 3))"
    ) { args in
      let function = try args.function("f")
      let items = try args.value("items")
      let count = try length(of: items, at: args.range(of: "items"), for: "filter")
      var kept: [Value] = []
      for position in 0..<count {
        try args.runtime.checkStop(at: args.range)
        let item = try element(of: items, at: position, range: args.range)
        if try truth(try args.call(function, [item]), at: args.range) { kept.append(item) }
      }
      return .list(kept)
    },
    Builtin(
      name: "chars", topic: .language, parameters: [.positional("s", .string, "a string")],
      summary: "the characters of a string, as a list of one-character strings",
      example: "chars(\"emma\")"
    ) { args in .list(try args.string("s").map { .string(String($0)) }) },
    Builtin(
      name: "split", topic: .language,
      parameters: [
        .positional("s", .string, "a string"),
        .named("sep", .string, shown: "white space", "what separates the pieces"),
      ],
      summary: "a string cut into a list of strings",
      details: """
        Without sep, as Python's str.split(): runs of spaces, tabs and newlines separate
        and no piece is empty. With sep, every occurrence separates, so pieces may be empty:
        split("a,,b", sep: ",") is list("a", "", "b").
        """,
      example: "split(\"the cat  sat\")\nsplit(\"a,b,,c\", sep: \",\")"
    ) { args in
      let text = try args.string("s")
      guard let separator = try args.optionalString("sep") else {
        return .list(text.split(whereSeparator: \.isWhitespace).map { .string(String($0)) })
      }
      guard !separator.isEmpty else {
        throw Diagnostic("split: sep is empty; chars(s) gives the characters", at: args.range(of: "sep"))
      }
      return .list(text.split(separator: separator, omittingEmptySubsequences: false).map { .string(String($0)) })
    },
    Builtin(
      name: "str", topic: .language, parameters: [.positional("x", .any, "any value")],
      summary: "a value as text, as it prints (a string stays as it is)",
      example: "str(0.5)\n\"loss: \" + str(0.25)"
    ) { args in
      let value = try args.value("x")
      if case .string = value { return value }
      return .string(ValueFormatter(options: args.session.options.display.plain).format(value))
    },
    Builtin(
      name: "print", topic: .language, parameters: [.variadic("values", .any, "what to print")],
      summary: "prints values on one line, separated by spaces (strings without quotes)",
      details: "Inside a function or a loop, print is how values are shown: bare expressions print only at the top.",
      example: "print(\"loss\", 0.25)"
    ) { args in
      let formatter = ValueFormatter(options: args.session.options.display.plain)
      let text = args.rest.map { argument in
        if case .string(let text) = argument.value { return text }
        return formatter.format(argument.value)
      }.joined(separator: " ")
      args.runtime.printLine(text)
      return .none
    },
  ]
}

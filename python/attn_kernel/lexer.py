"""A Pygments lexer for attn, so that nbconvert, Sphinx and JupyterLab's
exports highlight attn cells. Registered under the name `attn` (entry point
`pygments.lexers`). It also reads lesson transcripts: `attn>` and `...>`
prompts, and the output lines after them."""
from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import Comment, Generic, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

__all__ = ["AttnLexer"]


class AttnLexer(RegexLexer):
    name = "attn"
    aliases = ["attn"]
    filenames = ["*.attn"]
    mimetypes = ["text/x-attn"]

    tokens = {
        "root": [
            (r"^(attn> |\.\.\.> )", Generic.Prompt, "code"),
            include("code-line"),
        ],
        "code": [
            (r"\n", Whitespace, "#pop"),
            include("code-line"),
        ],
        "code-line": [
            (r"[ \t]+", Whitespace),
            (r"\n", Whitespace),
            (r"#.*?$", Comment.Single),
            (r"^:[a-z]+", Keyword.Pseudo),
            (r"(def)(\s+)([A-Za-z_]\w*)", bygroups(Keyword, Whitespace, Name.Function)),
            (words(("def", "if", "else", "for", "in", "while", "break", "continue", "return"), suffix=r"\b"), Keyword),
            (words(("and", "or", "not"), suffix=r"\b"), Operator.Word),
            (words(("true", "false", "nan", "inf", "pi"), suffix=r"\b"), Keyword.Constant),
            (r'"', String.Double, "string"),
            (r"(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", Number.Float),
            (r"([A-Za-z_]\w*)(\s*)(:)(?!=)", bygroups(Name.Attribute, Whitespace, Punctuation)),
            (r"[A-Za-z_]\w*(?=\s*\()", Name.Function),
            (r"[A-Za-z_]\w*", Name),
            (r"->|[-+*/%@^]=?|==|!=|<=|>=|[<>=]", Operator),
            (r"[()\[\]{},;.:]", Punctuation),
            (r".", Text),
        ],
        "string": [
            (r'\\.', String.Escape),
            (r'"', String.Double, "#pop"),
            (r'[^"\\\n]+', String.Double),
            (r"\n", String.Double, "#pop"),
        ],
    }

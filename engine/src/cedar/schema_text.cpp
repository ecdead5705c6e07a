// The Cedar schema text format: text -> SchemaSyntax (schema.h).
//
//   namespace Photos {
//     type Place = { city: String, zip?: String };
//     entity User in [Team] { home: Place, ip?: ipaddr } tags String;
//     entity Team;
//     entity Color enum ["red", "blue"];
//     action view, edit in [manage] appliesTo { principal: User, resource: [Photo] };
//   }
//
// Keywords (entity, action, type, Set, ...) are ordinary identifiers wherever a name is
// expected; `//` starts a comment. Errors carry file:line:col. Text-level rules are
// checked here (a name declared twice, a namespace opened twice, an appliesTo without
// principal or resource); name resolution happens in build_schema().
#include <set>

#include "cedar/parser.h"
#include "cedar/schema.h"

namespace cordon::cedar {

namespace {

enum class Tok : uint8_t {
  word,
  string,
  number,
  double_colon,
  comma,
  semicolon,
  colon,
  lbrace,
  rbrace,
  lbracket,
  rbracket,
  langle,
  rangle,
  equals,
  question,
  at,
  lparen,
  rparen,
  end,
  invalid,
};

struct Token {
  Tok kind = Tok::end;
  std::string_view text;
  uint32_t offset = 0;
  uint32_t length = 0;
};

bool is_word_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_word_char(char c) {
  return is_word_start(c) || (c >= '0' && c <= '9');
}

// Length of the Unicode whitespace character at `i` (Rust's `\s`), 0 if there is none.
size_t whitespace_at(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= '\t' && c <= '\r')) return 1;
  auto at = [&](size_t k) -> unsigned char {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  if (c == 0xC2 && (at(1) == 0x85 || at(1) == 0xA0)) return 2;  // U+0085, U+00A0
  if (c == 0xE1 && at(1) == 0x9A && at(2) == 0x80) return 3;    // U+1680
  if (c == 0xE2 && at(1) == 0x80 &&
      (at(2) <= 0x8A || at(2) == 0xA8 || at(2) == 0xA9 || at(2) == 0xAF) && at(2) >= 0x80)
    return 3;                                                 // U+2000..
  if (c == 0xE2 && at(1) == 0x81 && at(2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && at(1) == 0x80 && at(2) == 0x80) return 3;  // U+3000
  return 0;
}

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    // Whitespace and `//` comments.
    while (i < text.size()) {
      if (size_t n = whitespace_at(text, i)) {
        i += n;
      } else if (text[i] == '/' && i + 1 < text.size() && text[i + 1] == '/') {
        while (i < text.size() && text[i] != '\n' && text[i] != '\r') ++i;
      } else {
        break;
      }
    }
    Token t;
    t.offset = static_cast<uint32_t>(i);
    if (i >= text.size()) {
      t.kind = Tok::end;
      out.push_back(t);
      return out;
    }
    size_t start = i;
    char c = text[i];
    if (is_word_start(c)) {
      while (i < text.size() && is_word_char(text[i])) ++i;
      t.kind = Tok::word;
    } else if (c >= '0' && c <= '9') {
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
      t.kind = Tok::number;
    } else if (c == '"') {
      t.kind = Tok::invalid;  // unless the closing quote is found
      ++i;
      while (i < text.size()) {
        if (text[i] == '\\') {
          i += 2;
          continue;
        }
        if (text[i++] == '"') {
          t.kind = Tok::string;
          break;
        }
      }
      if (i > text.size()) i = text.size();
    } else if (c == ':' && i + 1 < text.size() && text[i + 1] == ':') {
      t.kind = Tok::double_colon;
      i += 2;
    } else {
      ++i;
      switch (c) {
        case ',':
          t.kind = Tok::comma;
          break;
        case ';':
          t.kind = Tok::semicolon;
          break;
        case ':':
          t.kind = Tok::colon;
          break;
        case '{':
          t.kind = Tok::lbrace;
          break;
        case '}':
          t.kind = Tok::rbrace;
          break;
        case '[':
          t.kind = Tok::lbracket;
          break;
        case ']':
          t.kind = Tok::rbracket;
          break;
        case '<':
          t.kind = Tok::langle;
          break;
        case '>':
          t.kind = Tok::rangle;
          break;
        case '=':
          t.kind = Tok::equals;
          break;
        case '?':
          t.kind = Tok::question;
          break;
        case '@':
          t.kind = Tok::at;
          break;
        case '(':
          t.kind = Tok::lparen;
          break;
        case ')':
          t.kind = Tok::rparen;
          break;
        default:
          t.kind = Tok::invalid;
          // Report a whole UTF-8 character.
          while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
      }
    }
    t.length = static_cast<uint32_t>(i - start);
    t.text = text.substr(start, i - start);
    out.push_back(t);
  }
}

// Words that Cedar never accepts as identifiers.
bool is_reserved_word(std::string_view w) {
  return w == "true" || w == "false" || w == "if" || w == "then" || w == "else" || w == "in" ||
         w == "is" || w == "like" || w == "has";
}

std::string describe(const Token& t) {
  if (t.kind == Tok::end) return "end of input";
  return "token `" + std::string(t.text) + "`";
}

class TextParser {
 public:
  TextParser(std::string_view text, std::string_view file)
      : text_(text), file_(file), tokens_(tokenize(text)) {}

  Result<SchemaSyntax> parse() {
    SchemaSyntax out;
    SyntaxNamespace unnamed;
    std::set<std::string> namespace_names;
    while (peek().kind != Tok::end) {
      if (!annotations()) return error_;
      if (is_word("namespace")) {
        SyntaxNamespace ns;
        uint32_t at = peek().offset;
        if (!namespace_block(ns)) return error_;
        if (!namespace_names.insert(ns.name.text).second) {
          fail(at, ns.name.span.offset + ns.name.span.length - at,
               "duplicate namespace id: `" + ns.name.text + "`");
          return error_;
        }
        out.namespaces.push_back(std::move(ns));
      } else if (!declaration(unnamed, /*top_level=*/true)) {
        return error_;
      }
    }
    // All declarations outside a `namespace` block form the empty namespace.
    if (!unnamed.common_types.empty() || !unnamed.entity_types.empty() || !unnamed.actions.empty())
      out.namespaces.push_back(std::move(unnamed));
    for (const auto& ns : out.namespaces) {
      if (!check_duplicates(ns)) return error_;
    }
    return out;
  }

 private:
  // ---- tokens
  const Token& peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  Token take() {
    Token t = peek();
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool is_word(std::string_view w, size_t ahead = 0) const {
    return peek(ahead).kind == Tok::word && peek(ahead).text == w;
  }
  // Consumes the next token when it is `kind` (or the word `w`).
  bool skip(Tok kind) {
    if (peek().kind != kind) return false;
    take();
    return true;
  }
  bool skip_word(std::string_view w) {
    if (!is_word(w)) return false;
    take();
    return true;
  }
  bool fail(uint32_t offset, uint32_t length, std::string message,
            ErrorKind kind = ErrorKind::parse) {
    if (!failed_) {
      failed_ = true;
      error_.kind = kind;
      error_.message = std::move(message);
      error_.location = locate(text_, file_, offset, length);
    }
    return false;
  }
  bool unexpected(const char* expected) {
    const Token& t = peek();
    std::string message = "unexpected " + describe(t);
    if (expected) message += std::string(", expected ") + expected;
    return fail(t.offset, t.length, std::move(message));
  }
  bool expect(Tok kind, const char* what) {
    if (peek().kind != kind) return unexpected(what);
    take();
    return true;
  }

  // ---- names
  // Ident: any word except Cedar's reserved words.
  bool ident(SyntaxName& out) {
    const Token& t = peek();
    if (t.kind != Tok::word) return unexpected("identifier");
    if (is_reserved_word(t.text))
      return fail(t.offset, t.length, "`" + std::string(t.text) + "` is a reserved identifier");
    out.text = std::string(t.text);
    out.span = {t.offset, t.length};
    take();
    return true;
  }
  bool string_literal(std::string& out, SourceSpan* span = nullptr) {
    const Token& t = peek();
    if (t.kind != Tok::string) return unexpected("string literal");
    std::string_view body = t.text.substr(1, t.text.size() - 2);
    size_t bad_at = 0;
    std::string error = unescape_string_literal(body, out, bad_at);
    if (!error.empty()) return fail(t.offset, t.length, "in string literal: " + error);
    if (span) *span = {t.offset, t.length};
    take();
    return true;
  }
  // Name: an identifier or a string.
  bool name(SyntaxName& out) {
    if (peek().kind == Tok::string) return string_literal(out.text, &out.span);
    return ident(out);
  }
  // Path: Ident { '::' Ident }.
  bool path(SyntaxName& out) {
    if (!ident(out)) return false;
    while (peek().kind == Tok::double_colon) {
      take();
      SyntaxName next;
      if (!ident(next)) return false;
      out.text += "::" + next.text;
      out.span.length = next.span.offset + next.span.length - out.span.offset;
    }
    return true;
  }

  // ---- annotations (parsed, checked for duplicates, not kept)
  bool annotations() {
    std::set<std::string> keys;
    while (peek().kind == Tok::at) {
      take();
      const Token key = peek();
      if (key.kind != Tok::word) return unexpected("identifier");
      take();
      if (!keys.insert(std::string(key.text)).second)
        return fail(key.offset, key.length,
                    "duplicate annotations: `" + std::string(key.text) + "`");
      if (peek().kind == Tok::lparen) {
        take();
        std::string value;
        if (!string_literal(value) || !expect(Tok::rparen, "`)`")) return false;
      }
    }
    return true;
  }

  // ---- declarations
  bool namespace_block(SyntaxNamespace& ns) {
    take();  // namespace
    if (!path(ns.name) || !expect(Tok::lbrace, "`{`")) return false;
    while (peek().kind != Tok::rbrace) {
      if (peek().kind == Tok::end) return unexpected("`}`");
      if (!annotations() || !declaration(ns, /*top_level=*/false)) return false;
    }
    take();
    return true;
  }

  bool declaration(SyntaxNamespace& ns, bool top_level) {
    if (is_word("entity")) return entity(ns);
    if (is_word("action")) return action(ns);
    if (is_word("type")) return common_type(ns);
    return unexpected(top_level ? "`namespace`, `entity`, `action` or `type`"
                                : "`entity`, `action`, `type` or `}`");
  }

  bool common_type(SyntaxNamespace& ns) {
    take();  // type
    SyntaxCommonType decl;
    if (!ident(decl.name) || !expect(Tok::equals, "`=`") || !type(decl.type, 0) ||
        !expect(Tok::semicolon, "`;`"))
      return false;
    ns.common_types.push_back(std::move(decl));
    return true;
  }

  bool entity(SyntaxNamespace& ns) {
    take();  // entity
    std::vector<SyntaxName> names(1);
    if (!ident(names[0])) return false;
    while (peek().kind == Tok::comma) {
      take();
      names.emplace_back();
      if (!ident(names.back())) return false;
    }
    SyntaxEntityType decl;
    if (is_word("enum")) {
      take();
      decl.is_enum = true;
      if (!expect(Tok::lbracket, "`[`")) return false;
      do {
        std::string id;
        if (!string_literal(id)) return false;
        decl.enum_ids.push_back(std::move(id));
      } while (skip(Tok::comma));
      if (!expect(Tok::rbracket, "`]`") || !expect(Tok::semicolon, "`;`")) return false;
    } else {
      if (skip_word("in") && !entity_types(decl.member_of)) return false;
      bool has_equals = peek().kind == Tok::equals;
      if (has_equals) take();
      if (peek().kind == Tok::lbrace) {
        if (!record(decl.shape, 0)) return false;
      } else if (has_equals) {
        return unexpected("`{`");
      }
      if (skip_word("tags") && !type(decl.tags, 0)) return false;
      if (!expect(Tok::semicolon, "`;`")) return false;
    }
    for (auto& n : names) {
      SyntaxEntityType one = decl;
      one.name = std::move(n);
      ns.entity_types.push_back(std::move(one));
    }
    return true;
  }

  // EntTypes: Path | '[' [Path {',' Path}] ']'
  bool entity_types(std::vector<SyntaxName>& out) {
    if (peek().kind != Tok::lbracket) {
      out.emplace_back();
      return path(out.back());
    }
    take();
    if (peek().kind != Tok::rbracket) {
      do {
        out.emplace_back();
        if (!path(out.back())) return false;
      } while (skip(Tok::comma));
    }
    return expect(Tok::rbracket, "`,` or `]`");
  }

  // QualName: Name | Path '::' STR
  bool action_ref(SyntaxActionRef& out) {
    const Token& first = peek();
    out.span.offset = first.offset;
    if (first.kind == Tok::string) {
      SyntaxName n;
      if (!string_literal(n.text, &n.span)) return false;
      out.id = std::move(n.text);
      out.span.length = n.span.length;
      return true;
    }
    SyntaxName type;
    if (!ident(type)) return false;
    while (peek().kind == Tok::double_colon) {
      take();
      if (peek().kind == Tok::string) {
        SourceSpan id_span;
        if (!string_literal(out.id, &id_span)) return false;
        out.type = std::move(type);
        out.span.length = id_span.offset + id_span.length - out.span.offset;
        return true;
      }
      SyntaxName next;
      if (!ident(next)) return false;
      type.text += "::" + next.text;
      type.span.length = next.span.offset + next.span.length - type.span.offset;
    }
    if (type.text.find(':') != std::string::npos) return unexpected("`::`");
    out.id = std::move(type.text);
    out.span.length = type.span.length;
    return true;
  }

  bool action(SyntaxNamespace& ns) {
    take();  // action
    std::vector<SyntaxName> names(1);
    if (!name(names[0])) return false;
    while (peek().kind == Tok::comma) {
      take();
      names.emplace_back();
      if (!name(names.back())) return false;
    }
    SyntaxAction decl;
    if (is_word("in")) {
      take();
      if (peek().kind == Tok::lbracket) {
        take();
        do {
          decl.member_of.emplace_back();
          if (!action_ref(decl.member_of.back())) return false;
        } while (skip(Tok::comma));
        if (!expect(Tok::rbracket, "`,` or `]`")) return false;
      } else {
        decl.member_of.emplace_back();
        if (!action_ref(decl.member_of.back())) return false;
      }
    }
    if (is_word("appliesTo")) {
      if (!applies_to(decl, names[0])) return false;
    }
    if (is_word("attributes")) {
      take();
      if (!expect(Tok::lbrace, "`{`") || !expect(Tok::rbrace, "`}`")) return false;
    }
    if (!expect(Tok::semicolon, "`;`")) return false;
    for (auto& n : names) {
      SyntaxAction one = decl;
      one.name = std::move(n);
      ns.actions.push_back(std::move(one));
    }
    return true;
  }

  bool applies_to(SyntaxAction& decl, const SyntaxName& action_name) {
    const Token keyword = take();  // appliesTo
    if (!expect(Tok::lbrace, "`{`")) return false;
    bool has_principal = false, has_resource = false, has_context = false;
    const std::string quoted = "`" + action_name.text + "`";
    do {
      const Token what = peek();
      if (is_word("principal") || is_word("resource")) {
        bool principal = what.text == "principal";
        take();
        bool& seen = principal ? has_principal : has_resource;
        if (seen)
          return fail(what.offset, what.length,
                      std::string("duplicate `") + (principal ? "principal" : "resource") +
                          "` declaration in action " + quoted);
        seen = true;
        std::vector<SyntaxName>& list = principal ? decl.principal_types : decl.resource_types;
        if (!expect(Tok::colon, "`:`") || !entity_types(list)) return false;
        if (list.empty())
          return fail(what.offset, what.length,
                      "for action " + quoted + ", `" + std::string(what.text) +
                          "` is `[]`, which is invalid");
      } else if (is_word("context")) {
        take();
        if (has_context)
          return fail(what.offset, what.length,
                      "duplicate `context` declaration in action " + quoted);
        has_context = true;
        if (!expect(Tok::colon, "`:`")) return false;
        if (peek().kind == Tok::lbrace) {
          if (!record(decl.context, 0)) return false;
        } else {
          // A named context must be a common type.
          auto t = std::make_shared<SyntaxType>();
          t->kind = SyntaxType::Kind::common;
          if (!path(t->name)) return false;
          t->span = t->name.span;
          decl.context = std::move(t);
        }
      } else {
        return unexpected("`principal`, `resource` or `context`");
      }
      if (peek().kind == Tok::comma) {
        take();
        if (peek().kind == Tok::rbrace) break;
      } else if (peek().kind != Tok::rbrace) {
        return unexpected("`,` or `}`");
      }
    } while (peek().kind != Tok::rbrace);
    take();  // }
    if (!has_principal)
      return fail(keyword.offset, keyword.length, "missing `principal` declaration for " + quoted);
    if (!has_resource)
      return fail(keyword.offset, keyword.length, "missing `resource` declaration for " + quoted);
    return true;
  }

  // ---- types
  bool type(SyntaxTypePtr& out, int depth) {
    const Token& t = peek();
    if (depth > kMaxSchemaNesting)
      return fail(t.offset, t.length,
                  "types nested deeper than " + std::to_string(kMaxSchemaNesting) + " levels",
                  ErrorKind::limit);
    if (t.kind == Tok::lbrace) return record(out, depth);
    auto result = std::make_shared<SyntaxType>();
    result->span = {t.offset, t.length};
    if (is_word("Set") && peek(1).kind == Tok::langle) {
      take();
      take();
      result->kind = SyntaxType::Kind::set;
      if (!type(result->element, depth + 1)) return false;
      const Token& close = peek();
      if (!expect(Tok::rangle, "`>`")) return false;
      result->span.length = close.offset + close.length - result->span.offset;
    } else {
      result->kind = SyntaxType::Kind::entity_or_common;
      if (!path(result->name)) return false;
      result->span = result->name.span;
    }
    out = std::move(result);
    return true;
  }

  // '{' [AttrDecls] '}' where AttrDecls separates `[@a(..)] name[?]: Type` by commas,
  // with an optional trailing comma.
  bool record(SyntaxTypePtr& out, int depth) {
    const Token open = peek();
    if (depth > kMaxSchemaNesting)
      return fail(open.offset, open.length,
                  "types nested deeper than " + std::to_string(kMaxSchemaNesting) + " levels",
                  ErrorKind::limit);
    if (!expect(Tok::lbrace, "`{`")) return false;
    auto result = std::make_shared<SyntaxType>();
    result->kind = SyntaxType::Kind::record;
    while (peek().kind != Tok::rbrace) {
      if (!annotations()) return false;
      SyntaxAttribute attr;
      SyntaxName attr_name;
      if (!name(attr_name)) return false;
      attr.name = std::move(attr_name.text);
      if (peek().kind == Tok::question) {
        take();
        attr.required = false;
      }
      if (!expect(Tok::colon, "`:`") || !type(attr.type, depth + 1)) return false;
      result->attributes.push_back(std::move(attr));
      if (peek().kind == Tok::comma) {
        take();
      } else if (peek().kind != Tok::rbrace) {
        return unexpected("`,` or `}`");
      }
    }
    const Token close = take();
    result->span = {open.offset, close.offset + close.length - open.offset};
    out = std::move(result);
    return true;
  }

  // ---- text-level rules
  bool check_duplicates(const SyntaxNamespace& ns) {
    auto twice = [&](const SyntaxName& n) {
      return fail(n.span.offset, n.span.length, "`" + n.text + "` is declared twice",
                  ErrorKind::schema);
    };
    std::set<std::string> seen;
    for (const auto& e : ns.entity_types)
      if (!seen.insert(e.name.text).second) return twice(e.name);
    seen.clear();
    for (const auto& a : ns.actions)
      if (!seen.insert(a.name.text).second) return twice(a.name);
    seen.clear();
    for (const auto& c : ns.common_types)
      if (!seen.insert(c.name.text).second) return twice(c.name);
    return true;
  }

  std::string_view text_;
  std::string_view file_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  bool failed_ = false;
  Error error_;
};

}  // namespace

Result<SchemaSyntax> parse_schema_text(std::string_view text, std::string_view file_name) {
  TextParser parser(text, file_name);
  return parser.parse();
}

}  // namespace cordon::cedar

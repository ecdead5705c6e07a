// A hand-written recursive-descent parser for Cedar policy text.
//
// Grammar (docs.cedarpolicy.com/policies/syntax-grammar.html), lowest precedence first:
//   Expr     ::= Or | 'if' Expr 'then' Expr 'else' Expr
//   Or       ::= And {'||' And}
//   And      ::= Relation {'&&' Relation}
//   Relation ::= Add [RELOP Add] | Add 'has' (IDENT {'.' IDENT} | STR) | Add 'like' STR
//              | Add 'is' Path ['in' Add]
//   Add      ::= Mult {('+'|'-') Mult}
//   Mult     ::= Unary {'*' Unary}
//   Unary    ::= ['!'|'-']{0..4} Member
//   Member   ::= Primary {'.' IDENT ['(' args ')'] | '[' STR ']'}
//   Primary  ::= literal | var | ?slot | Entity | Path '(' args ')' | '(' Expr ')'
//              | '[' args ']' | '{' inits '}'
#include "cedar/parser.h"

#include <charconv>
#include <cstring>

#include "cedar/extensions.h"
#include "cedar/schema.h"
#include "text/utf8.h"

namespace cordon::cedar {

using text::append_utf8;
using text::is_valid_utf8;

namespace {

enum class Tok : uint8_t {
  end,
  ident,
  string,
  integer,
  lparen,
  rparen,
  lbracket,
  rbracket,
  lbrace,
  rbrace,
  comma,
  semicolon,
  colon,
  double_colon,
  dot,
  eq,
  neq,
  lt,
  le,
  gt,
  ge,
  and_,
  or_,
  bang,
  plus,
  minus,
  star,
  at,
  question,
  assign,
  invalid,
};

struct Token {
  Tok kind = Tok::end;
  uint32_t offset = 0;
  uint32_t length = 0;
  std::string_view text;  // raw text of the token
};

const char* describe(Tok t) {
  switch (t) {
    case Tok::end:
      return "end of input";
    case Tok::ident:
      return "identifier";
    case Tok::string:
      return "string literal";
    case Tok::integer:
      return "integer literal";
    case Tok::lparen:
      return "`(`";
    case Tok::rparen:
      return "`)`";
    case Tok::lbracket:
      return "`[`";
    case Tok::rbracket:
      return "`]`";
    case Tok::lbrace:
      return "`{`";
    case Tok::rbrace:
      return "`}`";
    case Tok::comma:
      return "`,`";
    case Tok::semicolon:
      return "`;`";
    case Tok::colon:
      return "`:`";
    case Tok::double_colon:
      return "`::`";
    case Tok::dot:
      return "`.`";
    case Tok::eq:
      return "`==`";
    case Tok::neq:
      return "`!=`";
    case Tok::lt:
      return "`<`";
    case Tok::le:
      return "`<=`";
    case Tok::gt:
      return "`>`";
    case Tok::ge:
      return "`>=`";
    case Tok::and_:
      return "`&&`";
    case Tok::or_:
      return "`||`";
    case Tok::bang:
      return "`!`";
    case Tok::plus:
      return "`+`";
    case Tok::minus:
      return "`-`";
    case Tok::star:
      return "`*`";
    case Tok::at:
      return "`@`";
    case Tok::question:
      return "`?`";
    case Tok::assign:
      return "`=`";
    case Tok::invalid:
      return "invalid token";
  }
  return "token";
}

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9');
}

// Words that cannot be used as identifiers (entity types, attribute names in `.x`).
bool is_reserved(std::string_view w) {
  return w == "true" || w == "false" || w == "if" || w == "then" || w == "else" || w == "in" ||
         w == "is" || w == "like" || w == "has" || w == "__cedar";
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Token next() {
    skip_space_and_comments();
    Token t;
    t.offset = static_cast<uint32_t>(pos_);
    if (pos_ >= text_.size()) {
      t.kind = Tok::end;
      return t;
    }
    char c = text_[pos_];
    size_t start = pos_;
    if (is_ident_start(c)) {
      while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
      t.kind = Tok::ident;
    } else if (c >= '0' && c <= '9') {
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      t.kind = Tok::integer;
    } else if (c == '"') {
      ++pos_;
      t.kind = Tok::invalid;
      while (pos_ < text_.size()) {
        char d = text_[pos_];
        if (d == '\\') {
          pos_ += 2;
          continue;
        }
        ++pos_;
        if (d == '"') {
          t.kind = Tok::string;
          break;
        }
      }
      if (pos_ > text_.size()) pos_ = text_.size();
    } else {
      auto two = [&](char a, char b) {
        return c == a && pos_ + 1 < text_.size() && text_[pos_ + 1] == b;
      };
      if (two(':', ':'))
        t.kind = Tok::double_colon, pos_ += 2;
      else if (two('=', '='))
        t.kind = Tok::eq, pos_ += 2;
      else if (two('!', '='))
        t.kind = Tok::neq, pos_ += 2;
      else if (two('<', '='))
        t.kind = Tok::le, pos_ += 2;
      else if (two('>', '='))
        t.kind = Tok::ge, pos_ += 2;
      else if (two('&', '&'))
        t.kind = Tok::and_, pos_ += 2;
      else if (two('|', '|'))
        t.kind = Tok::or_, pos_ += 2;
      else {
        ++pos_;
        switch (c) {
          case '(':
            t.kind = Tok::lparen;
            break;
          case ')':
            t.kind = Tok::rparen;
            break;
          case '[':
            t.kind = Tok::lbracket;
            break;
          case ']':
            t.kind = Tok::rbracket;
            break;
          case '{':
            t.kind = Tok::lbrace;
            break;
          case '}':
            t.kind = Tok::rbrace;
            break;
          case ',':
            t.kind = Tok::comma;
            break;
          case ';':
            t.kind = Tok::semicolon;
            break;
          case ':':
            t.kind = Tok::colon;
            break;
          case '.':
            t.kind = Tok::dot;
            break;
          case '<':
            t.kind = Tok::lt;
            break;
          case '>':
            t.kind = Tok::gt;
            break;
          case '!':
            t.kind = Tok::bang;
            break;
          case '+':
            t.kind = Tok::plus;
            break;
          case '-':
            t.kind = Tok::minus;
            break;
          case '*':
            t.kind = Tok::star;
            break;
          case '@':
            t.kind = Tok::at;
            break;
          case '?':
            t.kind = Tok::question;
            break;
          case '=':
            t.kind = Tok::assign;
            break;
          default:
            t.kind = Tok::invalid;
            break;
        }
      }
    }
    t.length = static_cast<uint32_t>(pos_ - start);
    t.text = text_.substr(start, pos_ - start);
    return t;
  }

 private:
  void skip_space_and_comments() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
        while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
      } else {
        break;
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Unescapes the body of a string literal (without quotes). With `pattern`, an
// unescaped `*` becomes a wildcard and `\*` a literal star. Returns an error message
// (empty on success) and the offset of the bad escape.
std::string unescape(std::string_view body, std::string& out, std::vector<PatternElement>* pattern,
                     size_t& bad_at) {
  auto flush = [&]() {
    if (pattern && !out.empty()) {
      pattern->push_back({false, out});
      out.clear();
    }
  };
  for (size_t i = 0; i < body.size();) {
    char c = body[i];
    if (c == '*' && pattern) {
      flush();
      if (pattern->empty() || !pattern->back().wildcard) pattern->push_back({true, {}});
      ++i;
      continue;
    }
    if (c == '\r') {
      // As Rust's string literals (and so Cedar): a carriage return must be escaped.
      bad_at = i;
      return "a carriage return in a string literal must be written `\\r`";
    }
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    bad_at = i;
    if (i + 1 >= body.size()) return "unterminated escape sequence";
    char e = body[i + 1];
    i += 2;
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case '\\':
        out += '\\';
        break;
      case '0':
        out += '\0';
        break;
      case '\'':
        out += '\'';
        break;
      case '"':
        out += '"';
        break;
      case '*':
        if (!pattern) return "invalid escape `\\*` outside a `like` pattern";
        out += '*';
        break;
      case 'x': {
        // \xHH with HH at most 7F, as Rust's string escapes.
        if (i + 2 > body.size()) return "invalid escape `\\x`: expected two hex digits";
        int h = hex_value(body[i]), l = hex_value(body[i + 1]);
        if (h < 0 || l < 0) return "invalid escape `\\x`: expected two hex digits";
        int v = h * 16 + l;
        if (v > 0x7F) return "invalid escape `\\x`: value above 7F";
        out += static_cast<char>(v);
        i += 2;
        break;
      }
      case 'u': {
        if (i >= body.size() || body[i] != '{') return "invalid escape `\\u`: expected `{`";
        ++i;
        uint32_t cp = 0;
        int digits = 0;
        while (i < body.size() && body[i] != '}') {
          int v = hex_value(body[i]);
          if (v < 0 || digits >= 6) return "invalid unicode escape";
          cp = cp * 16 + static_cast<uint32_t>(v);
          ++digits;
          ++i;
        }
        if (i >= body.size() || digits == 0) return "invalid unicode escape";
        ++i;  // '}'
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return "invalid unicode escape";
        append_utf8(out, cp);
        break;
      }
      default:
        return std::string("invalid escape `\\") + e + "`";
    }
  }
  flush();
  return {};
}

// Line and column counting that resumes where the previous call stopped, so locating every
// policy of a text costs one pass over it rather than one pass per policy.
struct LineCursor {
  uint32_t offset = 0;
  uint32_t line = 1;
  uint32_t column = 1;

  SourceLocation locate(std::string_view text, std::string_view file_name, uint32_t to,
                        uint32_t length) {
    if (to < offset) *this = LineCursor{};
    for (; offset < to && offset < text.size(); ++offset) {
      if (text[offset] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(text[offset]) & 0xC0) != 0x80) {
        ++column;
      }
    }
    SourceLocation loc;
    loc.file = std::string(file_name);
    loc.offset = to;
    loc.length = length;
    loc.line = line;
    loc.column = column;
    return loc;
  }
};

class Parser {
 public:
  Parser(std::string_view text, std::string_view file) : text_(text), file_(file), lexer_(text) {
    advance();
  }

  Result<std::vector<ParsedPolicy>> policies() {
    std::vector<ParsedPolicy> out;
    if (!is_valid_utf8(text_)) {
      fail_at(0, 0, "policy text is not valid UTF-8");
      return error();
    }
    while (tok_.kind != Tok::end) {
      auto body = std::make_shared<PolicyBody>();
      body->location = policy_cursor_.locate(text_, file_, tok_.offset, 0);
      if (!policy(*body)) return error();
      ParsedPolicy p;
      // As Cedar: policies of a text are policy0, policy1, ... whatever their annotations
      // (a bundle names its policies by @id; see domain/bundle.cpp).
      p.id = "policy" + std::to_string(out.size());
      p.body = std::move(body);
      out.push_back(std::move(p));
    }
    return out;
  }

  Result<ExprPtr> single_expression() {
    ExprPtr e = expr();
    if (!e) return error();
    if (tok_.kind != Tok::end) {
      expected("end of expression");
      return error();
    }
    return e;
  }

  Result<EntityUid> single_entity_uid() {
    EntityUid uid;
    if (tok_.kind != Tok::ident) {
      expected("an entity type name");
      return error();
    }
    std::string path;
    if (!entity_ref_after_first_ident(uid)) return error();
    if (tok_.kind != Tok::end) {
      expected("end of entity reference");
      return error();
    }
    return uid;
  }

  Result<std::string> single_entity_type() {
    std::string name;
    if (!path(name)) return error();
    if (tok_.kind != Tok::end) {
      expected("end of entity type");
      return error();
    }
    return name;
  }

 private:
  // ---- token helpers ----
  void advance() {
    prev_end_ = tok_.offset + tok_.length;
    tok_ = lexer_.next();
  }
  bool is_word(std::string_view w) const { return tok_.kind == Tok::ident && tok_.text == w; }
  bool accept(Tok k) {
    if (tok_.kind != k) return false;
    advance();
    return true;
  }
  bool accept_word(std::string_view w) {
    if (!is_word(w)) return false;
    advance();
    return true;
  }
  bool expect(Tok k, const char* context = nullptr) {
    if (accept(k)) return true;
    std::string what = describe(k);
    if (context) what += std::string(" ") + context;
    expected(what);
    return false;
  }
  bool expect_word(std::string_view w) {
    if (accept_word(w)) return true;
    expected("`" + std::string(w) + "`");
    return false;
  }

  void fail_at(uint32_t offset, uint32_t length, std::string message) {
    if (failed_) return;
    failed_ = true;
    error_.kind = ErrorKind::parse;
    error_.message = std::move(message);
    error_.location = locate(text_, file_, offset, length);
  }
  void expected(const std::string& what) {
    std::string found;
    if (tok_.kind == Tok::end)
      found = "end of input";
    else if (tok_.kind == Tok::invalid && !tok_.text.empty() && tok_.text[0] == '"')
      found = "an unterminated string";
    else
      found = "`" + std::string(tok_.text) + "`";
    fail_at(tok_.offset, tok_.length, "expected " + what + ", found " + found);
  }
  Error error() const { return error_; }

  // ---- policies ----
  bool policy(PolicyBody& body) {
    while (tok_.kind == Tok::at) {
      advance();
      if (tok_.kind != Tok::ident) {
        expected("an annotation name");
        return false;
      }
      std::string key(tok_.text);
      uint32_t key_offset = tok_.offset;
      advance();
      std::string value;
      if (accept(Tok::lparen)) {
        if (!string_literal(value)) return false;
        if (!expect(Tok::rparen, "after the annotation value")) return false;
      }
      if (body.annotation(key)) {
        fail_at(key_offset, static_cast<uint32_t>(key.size()),
                "duplicate annotation `@" + key + "`");
        return false;
      }
      body.annotations.emplace_back(std::move(key), std::move(value));
    }
    if (accept_word("permit"))
      body.effect = Effect::permit;
    else if (accept_word("forbid"))
      body.effect = Effect::forbid;
    else {
      expected("`permit` or `forbid`");
      return false;
    }
    if (!expect(Tok::lparen, "after the effect")) return false;
    if (!scope_variable("principal", body.principal)) return false;
    if (!expect(Tok::comma, "after the principal constraint")) return false;
    if (!scope_variable("action", body.action)) return false;
    if (!expect(Tok::comma, "after the action constraint")) return false;
    if (!scope_variable("resource", body.resource)) return false;
    if (!expect(Tok::rparen, "to close the scope")) return false;
    while (is_word("when") || is_word("unless")) {
      Condition c;
      c.is_when = tok_.text == "when";
      advance();
      if (!expect(Tok::lbrace, "to open the condition")) return false;
      if (tok_.kind == Tok::rbrace) {
        expected("an expression");
        return false;
      }
      c.expr = expr();
      if (!c.expr) return false;
      if (!expect(Tok::rbrace, "to close the condition")) return false;
      body.conditions.push_back(std::move(c));
    }
    if (!expect(Tok::semicolon, "at the end of the policy")) return false;
    return true;
  }

  bool scope_variable(const char* var, ScopeConstraint& c) {
    if (!is_word(var)) {
      expected(std::string("`") + var + "`");
      return false;
    }
    advance();
    bool is_action = std::strcmp(var, "action") == 0;
    std::string slot_name = std::string("?") + var;
    if (tok_.kind == Tok::ident && tok_.text == "is") {
      if (is_action) {
        fail_at(tok_.offset, tok_.length, "`is` is not allowed in the action constraint");
        return false;
      }
      advance();
      if (!path(c.entity_type)) return false;
      c.op = ScopeConstraint::Op::is;
      if (accept_word("in")) {
        c.op = ScopeConstraint::Op::is_in;
        if (!scope_target(var, c)) return false;
      }
      return true;
    }
    if (accept(Tok::eq)) {
      c.op = ScopeConstraint::Op::equal;
      return scope_target(var, c);
    }
    if (is_word("in")) {
      advance();
      c.op = ScopeConstraint::Op::in;
      if (is_action && tok_.kind == Tok::lbracket) {
        advance();
        c.op = ScopeConstraint::Op::in_set;
        if (tok_.kind != Tok::rbracket) {
          do {
            EntityUid uid;
            if (!action_entity_ref(uid)) return false;
            c.entities.push_back(std::move(uid));
          } while (accept(Tok::comma));
        }
        return expect(Tok::rbracket, "to close the list of actions");
      }
      return scope_target(var, c);
    }
    return true;
  }

  bool scope_target(const char* var, ScopeConstraint& c) {
    if (tok_.kind == Tok::question) {
      uint32_t at = tok_.offset;
      advance();
      if (tok_.kind != Tok::ident) {
        expected("a slot name");
        return false;
      }
      std::string name(tok_.text);
      if (name != var || std::strcmp(var, "action") == 0) {
        fail_at(at, tok_.offset + tok_.length - at,
                "`?" + name + "` is not a valid slot here; only `?" + var + "`" +
                    (std::strcmp(var, "action") == 0 ? " is not allowed either" : ""));
        return false;
      }
      advance();
      c.slot = true;
      return true;
    }
    return std::strcmp(var, "action") == 0 ? action_entity_ref(c.entity) : entity_ref(c.entity);
  }

  // As Cedar: the action scope names only actions, entities of type Action or NS::Action.
  bool action_entity_ref(EntityUid& uid) {
    uint32_t at = tok_.offset;
    if (!entity_ref(uid)) return false;
    if (is_action_type(uid.type)) return true;
    fail_at(at, prev_end_ - at,
            "expected an entity of type `Action` in the action constraint, found `" +
                uid.to_cedar() + "`");
    return false;
  }

  // ---- names and literals ----
  // A name such as an entity type (NS::User): no part of it may be a reserved word.
  bool path(std::string& out) {
    if (tok_.kind != Tok::ident) {
      expected("a name");
      return false;
    }
    if (!name_part(tok_.text)) return false;
    out.assign(tok_.text);
    advance();
    while (tok_.kind == Tok::double_colon) {
      advance();
      if (tok_.kind != Tok::ident) {
        expected("an identifier after `::`");
        return false;
      }
      if (!name_part(tok_.text)) return false;
      out += "::";
      out += tok_.text;
      advance();
    }
    return true;
  }

  bool name_part(std::string_view part) {
    if (!is_reserved(part)) return true;
    fail_at(tok_.offset, tok_.length,
            "`" + std::string(part) + "` is reserved and cannot be part of a name");
    return false;
  }

  bool entity_ref(EntityUid& uid) {
    if (tok_.kind != Tok::ident) {
      expected("an entity reference such as `User::\"alice\"`");
      return false;
    }
    return entity_ref_after_first_ident(uid);
  }

  bool entity_ref_after_first_ident(EntityUid& uid) {
    uint32_t start = tok_.offset;
    std::string name(tok_.text);
    if (is_reserved(name)) {
      fail_at(tok_.offset, tok_.length, "`" + name + "` is reserved and cannot be an entity type");
      return false;
    }
    advance();
    while (true) {
      if (!expect(Tok::double_colon, "in an entity reference")) return false;
      if (tok_.kind == Tok::string) {
        uid.type = std::move(name);
        return string_literal(uid.id);
      }
      if (tok_.kind != Tok::ident) {
        expected("an identifier or a string after `::`");
        return false;
      }
      if (is_reserved(tok_.text)) {
        fail_at(start, tok_.offset + tok_.length - start,
                "`" + std::string(tok_.text) + "` is reserved and cannot be part of a name");
        return false;
      }
      name += "::";
      name += tok_.text;
      advance();
    }
  }

  bool string_literal(std::string& out) {
    if (tok_.kind != Tok::string) {
      expected("a string literal");
      return false;
    }
    std::string_view body = tok_.text.substr(1, tok_.text.size() - 2);
    size_t bad = 0;
    std::string err = unescape(body, out, nullptr, bad);
    if (!err.empty()) {
      fail_at(tok_.offset + 1 + static_cast<uint32_t>(bad), 2, err);
      return false;
    }
    advance();
    return true;
  }

  // ---- expressions ----
  ExprPtr make(ExprKind kind, uint32_t offset) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->offset = offset;
    return checked(std::move(e));
  }
  // Sets a new node's height from its children; fails when the tree grows too tall.
  ExprPtr checked(std::unique_ptr<Expr> e) {
    uint32_t height = 0;
    for (const auto& a : e->args) height = std::max(height, a->height);
    e->height = height + 1;
    if (e->height > kMaxExpressionHeight) {
      fail_at(e->offset, 0,
              "expression nested deeper than " + std::to_string(kMaxExpressionHeight) + " levels");
      return nullptr;
    }
    return ExprPtr(e.release());
  }

  ExprPtr binary(ExprKind kind, ExprPtr l, ExprPtr r, uint32_t offset) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->offset = offset;
    e->length = prev_end_ - offset;
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return checked(std::move(e));
  }

  struct DepthGuard {
    Parser& p;
    bool ok;
    explicit DepthGuard(Parser& parser) : p(parser), ok(++parser.depth_ <= kMaxNestingDepth) {
      if (!ok)
        p.fail_at(p.tok_.offset, p.tok_.length,
                  "expression nested deeper than " + std::to_string(kMaxNestingDepth) + " levels");
    }
    ~DepthGuard() { --p.depth_; }
  };

  ExprPtr expr() {
    DepthGuard guard(*this);
    if (!guard.ok) return nullptr;
    if (is_word("if")) {
      uint32_t start = tok_.offset;
      advance();
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::if_then_else;
      e->offset = start;
      ExprPtr c = expr();
      if (!c || !expect_word("then")) return nullptr;
      ExprPtr t = expr();
      if (!t || !expect_word("else")) return nullptr;
      ExprPtr f = expr();
      if (!f) return nullptr;
      e->args.push_back(std::move(c));
      e->args.push_back(std::move(t));
      e->args.push_back(std::move(f));
      e->length = prev_end_ - start;
      return checked(std::move(e));
    }
    return or_expr();
  }

  ExprPtr or_expr() {
    uint32_t start = tok_.offset;
    ExprPtr l = and_expr();
    while (l && tok_.kind == Tok::or_) {
      advance();
      ExprPtr r = and_expr();
      if (!r) return nullptr;
      l = binary(ExprKind::logical_or, std::move(l), std::move(r), start);
    }
    return l;
  }

  ExprPtr and_expr() {
    uint32_t start = tok_.offset;
    ExprPtr l = relation();
    while (l && tok_.kind == Tok::and_) {
      advance();
      ExprPtr r = relation();
      if (!r) return nullptr;
      l = binary(ExprKind::logical_and, std::move(l), std::move(r), start);
    }
    return l;
  }

  ExprPtr relation() {
    uint32_t start = tok_.offset;
    ExprPtr l = add();
    if (!l) return nullptr;
    ExprKind kind;
    switch (tok_.kind) {
      case Tok::eq:
        kind = ExprKind::equal;
        break;
      case Tok::neq:
        kind = ExprKind::not_equal;
        break;
      case Tok::lt:
        kind = ExprKind::less;
        break;
      case Tok::le:
        kind = ExprKind::less_equal;
        break;
      case Tok::gt:
        kind = ExprKind::greater;
        break;
      case Tok::ge:
        kind = ExprKind::greater_equal;
        break;
      case Tok::assign:
        fail_at(tok_.offset, tok_.length, "`=` is not an operator; use `==` to compare");
        return nullptr;
      case Tok::ident:
        if (tok_.text == "in") {
          kind = ExprKind::in;
          break;
        }
        if (tok_.text == "has") return has(std::move(l), start);
        if (tok_.text == "like") return like(std::move(l), start);
        if (tok_.text == "is") return is(std::move(l), start);
        return l;
      default:
        return l;
    }
    advance();
    ExprPtr r = add();
    if (!r) return nullptr;
    return binary(kind, std::move(l), std::move(r), start);
  }

  // An attribute written as an identifier (`.x`, `has x`, `{x: ...}`) must not be a
  // reserved word; Cedar takes those only quoted (`["if"]`, `has "if"`, `{"if": ...}`).
  bool attribute_identifier(std::string_view name, uint32_t at) {
    if (!is_reserved(name)) return true;
    fail_at(at, static_cast<uint32_t>(name.size()),
            "`" + std::string(name) + "` is reserved and cannot be used as an attribute name; " +
                "quote it (\"" + std::string(name) + "\")");
    return false;
  }

  ExprPtr has(ExprPtr l, uint32_t start) {
    advance();  // has
    if (tok_.kind == Tok::string) {
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::has_attribute;
      e->offset = start;
      if (!string_literal(e->name)) return nullptr;
      e->args.push_back(std::move(l));
      e->length = prev_end_ - start;
      return checked(std::move(e));
    }
    if (tok_.kind != Tok::ident) {
      expected("an attribute name after `has`");
      return nullptr;
    }
    // `e has a.b.c` means `e has a && e.a has b && e.a.b has c`.
    std::vector<std::string> names;
    if (!attribute_identifier(tok_.text, tok_.offset)) return nullptr;
    names.emplace_back(tok_.text);
    advance();
    while (tok_.kind == Tok::dot) {
      advance();
      if (tok_.kind != Tok::ident) {
        expected("an attribute name after `.`");
        return nullptr;
      }
      if (names.size() >= kMaxHasPathLength) {
        fail_at(tok_.offset, tok_.length,
                "`has` path longer than " + std::to_string(kMaxHasPathLength) + " attributes");
        return nullptr;
      }
      if (!attribute_identifier(tok_.text, tok_.offset)) return nullptr;
      names.emplace_back(tok_.text);
      advance();
    }
    if (names.size() == 1) {
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::has_attribute;
      e->offset = start;
      e->name = names[0];
      e->args.push_back(std::move(l));
      e->length = prev_end_ - start;
      return checked(std::move(e));
    }
    ExprPtr chain = expand_has_path(*l, names, start, prev_end_ - start);
    if (!chain) {
      fail_at(start, prev_end_ - start,
              "expression too large: `has` paths here expand to more than " +
                  std::to_string(kMaxHasExpansionNodes) + " nodes");
      return nullptr;
    }
    if (chain->height > kMaxExpressionHeight) {
      fail_at(start, 0,
              "expression nested deeper than " + std::to_string(kMaxExpressionHeight) + " levels");
      return nullptr;
    }
    return chain;
  }

  ExprPtr like(ExprPtr l, uint32_t start) {
    advance();  // like
    if (tok_.kind != Tok::string) {
      expected("a pattern string after `like`");
      return nullptr;
    }
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::like;
    e->offset = start;
    std::string_view body = tok_.text.substr(1, tok_.text.size() - 2);
    std::string pending;
    size_t bad = 0;
    std::string err = unescape(body, pending, &e->pattern, bad);
    if (!err.empty()) {
      fail_at(tok_.offset + 1 + static_cast<uint32_t>(bad), 2, err);
      return nullptr;
    }
    advance();
    e->args.push_back(std::move(l));
    e->length = prev_end_ - start;
    return checked(std::move(e));
  }

  ExprPtr is(ExprPtr l, uint32_t start) {
    advance();  // is
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::is_type;
    e->offset = start;
    if (!path(e->name)) return nullptr;
    e->args.push_back(std::move(l));
    if (accept_word("in")) {
      ExprPtr r = add();
      if (!r) return nullptr;
      e->args.push_back(std::move(r));
    }
    e->length = prev_end_ - start;
    return checked(std::move(e));
  }

  ExprPtr add() {
    uint32_t start = tok_.offset;
    ExprPtr l = mult();
    while (l && (tok_.kind == Tok::plus || tok_.kind == Tok::minus)) {
      ExprKind kind = tok_.kind == Tok::plus ? ExprKind::add : ExprKind::subtract;
      advance();
      ExprPtr r = mult();
      if (!r) return nullptr;
      l = binary(kind, std::move(l), std::move(r), start);
    }
    return l;
  }

  ExprPtr mult() {
    uint32_t start = tok_.offset;
    ExprPtr l = unary();
    while (l && tok_.kind == Tok::star) {
      advance();
      ExprPtr r = unary();
      if (!r) return nullptr;
      l = binary(ExprKind::multiply, std::move(l), std::move(r), start);
    }
    return l;
  }

  ExprPtr unary() {
    uint32_t start = tok_.offset;
    std::vector<Tok> ops;
    while (tok_.kind == Tok::bang || tok_.kind == Tok::minus) {
      ops.push_back(tok_.kind);
      advance();
    }
    if (ops.size() > 4) {
      fail_at(start, tok_.offset - start, "too many unary operators in a row (at most 4)");
      return nullptr;
    }
    ExprPtr e;
    // The innermost `-` directly before an integer literal is part of the literal,
    // so that -9223372036854775808 can be written.
    if (!ops.empty() && ops.back() == Tok::minus && tok_.kind == Tok::integer) {
      e = integer_literal(true);
      ops.pop_back();
      if (!e) return nullptr;
      e = member_suffix(std::move(e));
    } else {
      e = member();
    }
    if (!e) return nullptr;
    for (size_t i = ops.size(); i-- > 0;) {
      auto u = std::make_unique<Expr>();
      u->kind = ops[i] == Tok::bang ? ExprKind::logical_not : ExprKind::negate;
      u->offset = start;
      u->args.push_back(std::move(e));
      u->length = prev_end_ - start;
      e = checked(std::move(u));
      if (!e) return nullptr;
    }
    return e;
  }

  ExprPtr integer_literal(bool negative) {
    uint32_t start = tok_.offset;
    std::string digits(negative ? "-" : "");
    digits += tok_.text;
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) {
      fail_at(tok_.offset, tok_.length,
              "integer literal `" + digits + "` does not fit in a 64-bit signed integer");
      return nullptr;
    }
    advance();
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::literal;
    e->literal = Value::integer(v);
    e->offset = start;
    e->length = prev_end_ - start;
    return checked(std::move(e));
  }

  ExprPtr member() {
    ExprPtr e = primary();
    if (!e) return nullptr;
    return member_suffix(std::move(e));
  }

  ExprPtr member_suffix(ExprPtr e) {
    uint32_t start = e->offset;
    while (e) {
      if (tok_.kind == Tok::dot) {
        advance();
        if (tok_.kind != Tok::ident) {
          expected("an attribute or method name after `.`");
          return nullptr;
        }
        std::string name(tok_.text);
        uint32_t name_at = tok_.offset;
        advance();
        if (tok_.kind == Tok::lparen) {
          std::vector<ExprPtr> args;
          args.push_back(std::move(e));
          if (!call_arguments(args)) return nullptr;
          e = method(name, name_at, std::move(args), start);
        } else {
          if (!attribute_identifier(name, name_at)) return nullptr;
          auto g = std::make_unique<Expr>();
          g->kind = ExprKind::get_attribute;
          g->offset = start;
          g->name = std::move(name);
          g->args.push_back(std::move(e));
          g->length = prev_end_ - start;
          e = checked(std::move(g));
        }
      } else if (tok_.kind == Tok::lbracket) {
        advance();
        auto g = std::make_unique<Expr>();
        g->kind = ExprKind::get_attribute;
        g->offset = start;
        if (!string_literal(g->name)) return nullptr;
        if (!expect(Tok::rbracket, "after the attribute name")) return nullptr;
        g->args.push_back(std::move(e));
        g->length = prev_end_ - start;
        e = checked(std::move(g));
      } else {
        break;
      }
    }
    return e;
  }

  bool call_arguments(std::vector<ExprPtr>& args) {
    advance();  // (
    if (accept(Tok::rparen)) return true;
    do {
      ExprPtr a = expr();
      if (!a) return false;
      args.push_back(std::move(a));
    } while (accept(Tok::comma));
    return expect(Tok::rparen, "to close the argument list");
  }

  ExprPtr method(const std::string& name, uint32_t name_at, std::vector<ExprPtr> args,
                 uint32_t start) {
    struct Builtin {
      const char* name;
      ExprKind kind;
      size_t arity;  // including the receiver
    };
    static const Builtin builtins[] = {
        {"contains", ExprKind::contains, 2},        {"containsAll", ExprKind::contains_all, 2},
        {"containsAny", ExprKind::contains_any, 2}, {"isEmpty", ExprKind::is_empty, 1},
        {"getTag", ExprKind::get_tag, 2},           {"hasTag", ExprKind::has_tag, 2},
    };
    auto e = std::make_unique<Expr>();
    e->offset = start;
    bool found = false;
    for (const auto& b : builtins) {
      if (name == b.name) {
        if (args.size() != b.arity) {
          fail_at(name_at, static_cast<uint32_t>(name.size()),
                  "`" + name + "` expects " + std::to_string(b.arity - 1) + " argument(s), got " +
                      std::to_string(args.size() - 1));
          return nullptr;
        }
        e->kind = b.kind;
        found = true;
      }
    }
    if (!found) {
      if (!is_extension_method(name)) {
        fail_at(name_at, static_cast<uint32_t>(name.size()),
                "`" + name + "` is not a known method");
        return nullptr;
      }
      e->kind = ExprKind::call;
      e->name = name;
    }
    e->args = std::move(args);
    e->length = prev_end_ - start;
    return checked(std::move(e));
  }

  ExprPtr primary() {
    uint32_t start = tok_.offset;
    switch (tok_.kind) {
      case Tok::integer:
        return integer_literal(false);
      case Tok::string: {
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::literal;
        e->offset = start;
        std::string s;
        if (!string_literal(s)) return nullptr;
        e->literal = Value::string(std::move(s));
        e->length = prev_end_ - start;
        return checked(std::move(e));
      }
      case Tok::lparen: {
        advance();
        ExprPtr e = expr();
        if (!e || !expect(Tok::rparen, "to close the parenthesis")) return nullptr;
        return e;
      }
      case Tok::lbracket: {
        advance();
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::set;
        e->offset = start;
        if (tok_.kind != Tok::rbracket) {
          do {
            ExprPtr a = expr();
            if (!a) return nullptr;
            e->args.push_back(std::move(a));
          } while (accept(Tok::comma));
        }
        if (!expect(Tok::rbracket, "to close the set")) return nullptr;
        e->length = prev_end_ - start;
        return checked(std::move(e));
      }
      case Tok::lbrace: {
        advance();
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::record;
        e->offset = start;
        if (tok_.kind != Tok::rbrace) {
          do {
            std::string key;
            uint32_t key_at = tok_.offset;
            if (tok_.kind == Tok::ident) {
              key.assign(tok_.text);
              if (!attribute_identifier(key, key_at)) return nullptr;
              advance();
            } else if (tok_.kind == Tok::string) {
              if (!string_literal(key)) return nullptr;
            } else {
              expected("a record key");
              return nullptr;
            }
            for (const auto& k : e->keys) {
              if (k == key) {
                fail_at(key_at, prev_end_ - key_at,
                        "duplicate key `" + key + "` in record literal");
                return nullptr;
              }
            }
            if (!expect(Tok::colon, "after the record key")) return nullptr;
            ExprPtr v = expr();
            if (!v) return nullptr;
            e->keys.push_back(std::move(key));
            e->args.push_back(std::move(v));
          } while (accept(Tok::comma));
        }
        if (!expect(Tok::rbrace, "to close the record")) return nullptr;
        e->length = prev_end_ - start;
        return checked(std::move(e));
      }
      case Tok::question: {
        advance();
        if (tok_.kind != Tok::ident || (tok_.text != "principal" && tok_.text != "resource")) {
          expected("`principal` or `resource` after `?`");
          return nullptr;
        }
        // Slots may only appear in the scope.
        fail_at(start, tok_.offset + tok_.length - start,
                "template slots may only appear in the policy scope");
        return nullptr;
      }
      case Tok::ident:
        return name_primary();
      default:
        expected("an expression");
        return nullptr;
    }
  }

  ExprPtr name_primary() {
    uint32_t start = tok_.offset;
    std::string_view word = tok_.text;
    auto e = std::make_unique<Expr>();
    e->offset = start;
    if (word == "true" || word == "false") {
      e->kind = ExprKind::literal;
      e->literal = Value::boolean(word == "true");
      advance();
      e->length = prev_end_ - start;
      return checked(std::move(e));
    }
    static const std::pair<const char*, Var> vars[] = {{"principal", Var::principal},
                                                       {"action", Var::action},
                                                       {"resource", Var::resource},
                                                       {"context", Var::context}};
    for (const auto& [n, v] : vars) {
      if (word == n) {
        advance();
        if (tok_.kind == Tok::double_colon) {
          fail_at(start, tok_.offset + tok_.length - start,
                  "`" + std::string(n) + "` is a variable and cannot be used as an entity type");
          return nullptr;
        }
        e->kind = ExprKind::variable;
        e->var = v;
        e->length = prev_end_ - start;
        return checked(std::move(e));
      }
    }
    if (is_reserved(word)) {
      expected("an expression");
      return nullptr;
    }
    // A path: an entity reference (Path::"id") or an extension function call (Path(args)).
    std::string name(word);
    advance();
    while (tok_.kind == Tok::double_colon) {
      advance();
      if (tok_.kind == Tok::string) {
        e->kind = ExprKind::literal;
        EntityUid uid;
        uid.type = std::move(name);
        if (!string_literal(uid.id)) return nullptr;
        e->literal = Value::entity(std::move(uid));
        e->length = prev_end_ - start;
        return checked(std::move(e));
      }
      if (tok_.kind != Tok::ident) {
        expected("an identifier or a string after `::`");
        return nullptr;
      }
      if (is_reserved(tok_.text)) {
        fail_at(tok_.offset, tok_.length,
                "`" + std::string(tok_.text) + "` is reserved and cannot be part of a name");
        return nullptr;
      }
      name += "::";
      name += tok_.text;
      advance();
    }
    if (tok_.kind == Tok::lparen) {
      if (!is_extension_function(name)) {
        fail_at(start, static_cast<uint32_t>(name.size()),
                "`" + name + "` is not a known function");
        return nullptr;
      }
      e->kind = ExprKind::call;
      e->name = std::move(name);
      if (!call_arguments(e->args)) return nullptr;
      e->length = prev_end_ - start;
      return checked(std::move(e));
    }
    fail_at(start, static_cast<uint32_t>(name.size()),
            "unknown variable `" + name +
                "`; expected `principal`, `action`, `resource`, `context` or an entity reference");
    return nullptr;
  }

  std::string_view text_;
  std::string_view file_;
  Lexer lexer_;
  Token tok_;
  uint32_t prev_end_ = 0;
  int depth_ = 0;
  bool failed_ = false;
  Error error_;
  LineCursor policy_cursor_;  // where each policy starts, counted in one pass
};

}  // namespace

SourceLocation locate(std::string_view text, std::string_view file_name, uint32_t offset,
                      uint32_t length) {
  return LineCursor{}.locate(text, file_name, offset, length);
}

Result<std::vector<ParsedPolicy>> parse_policies(std::string_view text,
                                                 std::string_view file_name) {
  Parser p(text, file_name);
  return p.policies();
}

Result<EntityUid> parse_entity_uid(std::string_view text) {
  Parser p(text, {});
  return p.single_entity_uid();
}

bool is_canonical_entity_type(std::string_view text) {
  // What parse_entity_type accepts and prints back unchanged: identifiers joined by `::`,
  // none reserved, nothing between them. Checked without the lexer: calls name an entity
  // type for every entity they carry.
  while (true) {
    size_t end = 0;
    if (end == text.size() || !is_ident_start(text[end])) return false;
    while (end < text.size() && is_ident_char(text[end])) ++end;
    if (is_reserved(text.substr(0, end))) return false;
    if (end == text.size()) return true;
    if (text.compare(end, 2, "::") != 0) return false;
    text.remove_prefix(end + 2);
  }
}

Result<std::string> parse_entity_type(std::string_view text) {
  Parser p(text, {});
  return p.single_entity_type();
}

Result<ExprPtr> parse_expression(std::string_view text, std::string_view file_name) {
  Parser p(text, file_name);
  return p.single_expression();
}

std::string unescape_string_literal(std::string_view body, std::string& out, size_t& bad_at) {
  return unescape(body, out, nullptr, bad_at);
}

}  // namespace cordon::cedar

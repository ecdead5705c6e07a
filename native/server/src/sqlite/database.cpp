// The SQLite layer of the native stores (database.h).
#include "sqlite/database.h"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>

namespace cordon::server::sqlite {

Error io_error(std::string message) {
  Error error;
  error.kind = ErrorKind::io;
  error.message = std::move(message);
  return error;
}

// --- Statement -------------------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : statement_(other.statement_), database_(other.database_) {
  other.statement_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (statement_) sqlite3_finalize(statement_);
    statement_ = other.statement_;
    database_ = other.database_;
    other.statement_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (statement_) sqlite3_finalize(statement_);
}

void Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
}

void Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void Statement::bind_null(int index) {
  sqlite3_bind_null(statement_, index);
}

Statement::Step Statement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return Step::row;
  if (rc == SQLITE_DONE) return Step::done;
  return Step::error;
}

Status Statement::run() {
  const Step result = step();
  Status status;
  if (result == Step::error) status = error();
  reset();
  return status;
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

int64_t Statement::column_int64(int index) const {
  return sqlite3_column_int64(statement_, index);
}

std::string Statement::column_text(int index) const {
  const unsigned char* text = sqlite3_column_text(statement_, index);
  const int size = sqlite3_column_bytes(statement_, index);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size))
              : std::string();
}

bool Statement::column_is_null(int index) const {
  return sqlite3_column_type(statement_, index) == SQLITE_NULL;
}

Error Statement::error() const {
  return database_->error("statement failed");
}

// --- Database --------------------------------------------------------------------------

Error Database::error(std::string_view what) const {
  return error_with_code(what, sqlite3_extended_errcode(db_));
}

Error Database::error_with_code(std::string_view what, int code) const {
  std::string message = path_ + ": sqlite: " + std::string(what);
  const char* detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  message += " (";
  message += detail ? detail : sqlite3_errstr(code);
  if ((code & 0xff) == SQLITE_BUSY) message += "; another process holds the lock";
  message += ")";
  return io_error(std::move(message));
}

Result<std::unique_ptr<Database>> Database::open(const SqliteOptions& options,
                                                 std::string_view schema) {
  if (options.path.empty()) return io_error("no database path given");
  if (!options.read_only) {
    const std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec)
      return io_error(options.path + ": cannot create the database's folder (" + ec.message() +
                      ")");
  }
  sqlite3* handle = nullptr;
  const int flags =
      options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(options.path.c_str(), &handle, flags, nullptr);
  std::unique_ptr<Database> db(new Database(handle, options.path));
  if (rc != SQLITE_OK) {
    Error e = io_error(options.path + ": sqlite: cannot open the database (" +
                       std::string(handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc)) + ")");
    return e;
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, options.busy_timeout_ms);
  if (options.read_only) {
    // Opening is lazy: read the schema now so a missing or foreign file fails here.
    if (auto e = db->exec("SELECT count(*) FROM sqlite_master")) return *e;
    return db;
  }
  if (auto e = db->exec("PRAGMA journal_mode=WAL")) return *e;
  if (auto e = db->exec(options.durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"))
    return *e;
  if (!schema.empty()) {
    Transaction tx(*db);
    if (auto e = tx.begin_immediate()) return *e;
    if (auto e = db->exec(schema)) return *e;
    if (auto e = tx.commit()) return *e;
  }
  return db;
}

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

Result<Statement> Database::prepare(std::string_view sql) const {
  sqlite3_stmt* statement = nullptr;
  const int rc =
      sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
  if (rc != SQLITE_OK) return error_with_code("cannot prepare a statement", rc);
  return Statement(statement, this);
}

Status Database::exec(std::string_view sql) const {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return std::nullopt;
  std::string detail = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  std::string first_word = text.substr(0, text.find_first_of(" \n"));
  return io_error(path_ + ": sqlite: " + first_word + " failed (" + detail +
                  ((rc & 0xff) == SQLITE_BUSY ? "; another process holds the lock" : "") + ")");
}

// --- Transaction -----------------------------------------------------------------------

Transaction::~Transaction() {
  if (open_) db_.exec("ROLLBACK");
}

Status Transaction::begin_immediate() {
  if (auto e = db_.exec("BEGIN IMMEDIATE")) return e;
  open_ = true;
  return std::nullopt;
}

Status Transaction::begin_read() {
  if (auto e = db_.exec("BEGIN")) return e;
  open_ = true;
  return std::nullopt;
}

Status Transaction::commit() {
  if (auto e = db_.exec("COMMIT")) return e;
  open_ = false;
  return std::nullopt;
}

}  // namespace cordon::server::sqlite

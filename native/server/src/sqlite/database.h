// A thin RAII layer over the SQLite C API for the native stores: a connection with the
// pragmas the stores need, prepared statements, and transactions that roll back unless
// committed. Errors are cordon::Error values of kind `io`, naming the database file.
//
//   auto db = Database::open(options, kSchema);
//   Transaction tx(*db);
//   if (auto e = tx.begin_immediate()) return *e;     // the write lock, or busy after the timeout
//   Statement insert = db->prepare("INSERT INTO t(a) VALUES (?1)");
//   insert.bind(1, int64_t{42});
//   if (auto e = insert.run()) return *e;
//   return tx.commit();
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cordon/error.h"
#include "cordon/server/sqlite_options.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cordon::server::sqlite {

class Database;

class Statement {
 public:
  Statement() = default;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  bool valid() const { return statement_ != nullptr; }
  // Binds by 1-based index. Text is copied.
  void bind(int index, int64_t value);
  void bind(int index, std::string_view value);
  void bind_null(int index);

  enum class Step { row, done, error };
  Step step();
  // Runs a statement that returns no rows; resets it afterwards.
  Status run();
  // Clears bindings and rewinds, so the statement can run again.
  void reset();

  int64_t column_int64(int index) const;
  std::string column_text(int index) const;
  bool column_is_null(int index) const;

  // The error of the last step, as an Error naming the database.
  Error error() const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* statement, const Database* database)
      : statement_(statement), database_(database) {}
  sqlite3_stmt* statement_ = nullptr;
  const Database* database_ = nullptr;
};

class Database {
 public:
  // Opens (creating it, its folders and `schema` unless options.read_only) the database.
  static Result<std::unique_ptr<Database>> open(const SqliteOptions& options,
                                                std::string_view schema);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Prepares a statement; an invalid statement carries its error (see prepare_error()).
  Result<Statement> prepare(std::string_view sql) const;
  // Runs one or more statements that return no rows.
  Status exec(std::string_view sql) const;

  const std::string& path() const { return path_; }
  // An io error "PATH: sqlite: <what> (<SQLite's message>)".
  Error error(std::string_view what) const;
  Error error_with_code(std::string_view what, int code) const;

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::string path_;
  friend class Statement;
};

// BEGIN IMMEDIATE (writers) or BEGIN (a read snapshot); rolls back on destruction unless
// committed.
class Transaction {
 public:
  explicit Transaction(const Database& db) : db_(db) {}
  ~Transaction();
  Status begin_immediate();
  Status begin_read();
  Status commit();

 private:
  const Database& db_;
  bool open_ = false;
};

// An Error of kind io with this message.
Error io_error(std::string message);

}  // namespace cordon::server::sqlite

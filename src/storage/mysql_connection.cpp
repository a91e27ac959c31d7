// The MySQL/MariaDB backend over MySQL Connector/C++ 1.1.
#include "storage/mysql_connection.hpp"

// Only the abstract cppconn/ API: mysql_driver.h and mysql_connection.h pull in Boost 1.74 headers.
#include <cppconn/datatype.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>

namespace tern::storage {
namespace {

// Client errors after which the connection is gone (CR_SERVER_GONE_ERROR, CR_SERVER_LOST,
// CR_CONNECTION_ERROR, CR_CONN_HOST_ERROR).
bool is_connection_lost(int code) {
  return code == 2006 || code == 2013 || code == 2002 || code == 2003;
}

sql::Driver& driver() {
  // get_driver_instance() is not thread-safe; a function-local static serialises the first call.
  static sql::Driver* instance = get_driver_instance();
  return *instance;
}

void bind(sql::PreparedStatement& statement, const std::vector<Value>& parameters) {
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    auto index = static_cast<unsigned>(i + 1);
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            statement.setNull(index, sql::DataType::VARCHAR);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            statement.setInt64(index, value);
          } else {
            statement.setString(index, sql::SQLString(value.data(), value.size()));
          }
        },
        parameters[i]);
  }
}

// Splits a schema file into statements: ';' ends one, outside quotes and '--' comments.
std::vector<std::string> statements_of(std::string_view script) {
  std::vector<std::string> statements;
  std::string current;
  char quote = 0;
  for (std::size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    if (!quote && c == '-' && script.substr(i, 2) == "--") {
      i = script.find('\n', i);
      if (i == std::string_view::npos) break;
      current += '\n';
      continue;
    }
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"' || c == '`') {
      quote = c;
    } else if (c == ';') {
      if (current.find_first_not_of(" \t\r\n") != std::string::npos) statements.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) statements.push_back(current);
  return statements;
}

}  // namespace

// Connector/C++ reports everything as sql::SQLException; the pool needs to know which errors left
// the connection dead, and callers get DatabaseError with the server's words.
template <typename F>
void MysqlConnection::guarded(const std::string& context, F f) {
  try {
    f();
  } catch (const sql::SQLException& error) {
    if (is_connection_lost(error.getErrorCode())) broken_ = true;
    throw DatabaseError(context + ": " + error.what() + " (MySQL error " +
                        std::to_string(error.getErrorCode()) + ")");
  }
}

MysqlConnection::MysqlConnection(const MysqlSettings& settings) {
  sql::ConnectOptionsMap options;  // the value types must be exactly these (int, bool, SQLString)
  if (settings.socket.empty()) {
    options["hostName"] = sql::SQLString(settings.host);
    options["port"] = static_cast<int>(settings.port);
  } else {
    // "port" next to a socket would silently turn this into a TCP connect to host "socket".
    options["hostName"] = sql::SQLString("localhost");
    options["socket"] = sql::SQLString(settings.socket);
  }
  options["userName"] = sql::SQLString(settings.user);
  options["password"] = sql::SQLString(settings.password);
  options["schema"] = sql::SQLString(settings.database);
  options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  options["OPT_RECONNECT"] = false;  // a silent reconnect loses session settings mid-transaction
  options["OPT_CONNECT_TIMEOUT"] = 5;
  options["OPT_READ_TIMEOUT"] = 30;
  options["OPT_WRITE_TIMEOUT"] = 30;
  std::string where = settings.socket.empty()
                          ? settings.host + ":" + std::to_string(settings.port)
                          : settings.socket;
  guarded("cannot connect to MySQL at " + where + " as " + settings.user, [&] {
    connection_.reset(driver().connect(options));
    std::unique_ptr<sql::Statement> statement(connection_->createStatement());
    statement->execute("SET time_zone = '+00:00'");
    statement->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,ANSI_QUOTES'");
  });
}

MysqlConnection::~MysqlConnection() = default;

bool MysqlConnection::is_usable() const { return !broken_; }

sql::PreparedStatement& MysqlConnection::prepared(std::string_view text) {
  constexpr std::size_t max_cached_statements = 256;
  std::string key(text);
  if (auto found = statements_.find(key); found != statements_.end()) {
    found->second->clearParameters();
    return *found->second;
  }
  if (statements_.size() >= max_cached_statements) statements_.clear();
  auto& statement = statements_[key];
  statement.reset(connection_->prepareStatement(sql::SQLString(text.data(), text.size())));
  return *statement;
}

std::vector<Row> MysqlConnection::query(std::string_view text, const std::vector<Value>& parameters) {
  std::vector<Row> rows;
  guarded("query", [&] {
    auto& statement = prepared(text);
    bind(statement, parameters);
    std::unique_ptr<sql::ResultSet> results(statement.executeQuery());
    auto* metadata = results->getMetaData();
    unsigned columns = metadata->getColumnCount();
    while (results->next()) {
      std::vector<Value> values;
      values.reserve(columns);
      for (unsigned column = 1; column <= columns; ++column) {
        auto type = metadata->getColumnType(column);
        if (results->isNull(column)) {
          values.emplace_back(std::monostate{});
        } else if (type == sql::DataType::TINYINT || type == sql::DataType::SMALLINT ||
                   type == sql::DataType::MEDIUMINT || type == sql::DataType::INTEGER ||
                   type == sql::DataType::BIGINT) {
          values.emplace_back(static_cast<std::int64_t>(results->getInt64(column)));
        } else {
          values.emplace_back(std::string(results->getString(column)));
        }
      }
      rows.emplace_back(std::move(values));
    }
  });
  return rows;
}

std::int64_t MysqlConnection::execute(std::string_view text, const std::vector<Value>& parameters) {
  std::int64_t changed = 0;
  guarded("statement", [&] {
    auto& statement = prepared(text);
    bind(statement, parameters);
    changed = statement.executeUpdate();
  });
  return changed;
}

void MysqlConnection::execute_script(std::string_view script) {
  guarded("SQL script", [&] {
    std::unique_ptr<sql::Statement> statement(connection_->createStatement());
    for (const auto& text : statements_of(script)) statement->execute(text);
  });
}

void MysqlConnection::begin() {
  guarded("begin", [&] { connection_->setAutoCommit(false); });
}

void MysqlConnection::commit() {
  guarded("commit", [&] {
    connection_->commit();
    connection_->setAutoCommit(true);
  });
}

void MysqlConnection::rollback() {
  guarded("rollback", [&] {
    connection_->rollback();
    connection_->setAutoCommit(true);
  });
}

}  // namespace tern::storage

# MySQL Connector/C++ 1.1 (the JDBC-style <cppconn/...> API).
# Debian 12: the runtime is libmysqlcppconn7v5 (apt); the headers come from libmysqlcppconn-dev,
# whose dependency on libboost-dev (1.74) conflicts with libboost1.81-dev, so
# scripts/setup-deps.sh unpacks that .deb into MYSQLCPPCONN_ROOT instead of installing it.
# Result: the imported target MySQLConnectorCpp::MySQLConnectorCpp.
find_path(MySQLConnectorCpp_INCLUDE_DIR cppconn/driver.h
  HINTS "${MYSQLCPPCONN_ROOT}/usr/include" "${MYSQLCPPCONN_ROOT}/include")
# The runtime package ships only the SONAME file, and the unpacked .deb's own .so symlink dangles:
# look for the SONAME in the system directories.
find_library(MySQLConnectorCpp_LIBRARY NAMES libmysqlcppconn.so.7 mysqlcppconn)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MySQLConnectorCpp
  REQUIRED_VARS MySQLConnectorCpp_LIBRARY MySQLConnectorCpp_INCLUDE_DIR)
if(MySQLConnectorCpp_FOUND AND NOT TARGET MySQLConnectorCpp::MySQLConnectorCpp)
  add_library(MySQLConnectorCpp::MySQLConnectorCpp UNKNOWN IMPORTED)
  set_target_properties(MySQLConnectorCpp::MySQLConnectorCpp PROPERTIES
    IMPORTED_LOCATION "${MySQLConnectorCpp_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${MySQLConnectorCpp_INCLUDE_DIR}")
endif()
mark_as_advanced(MySQLConnectorCpp_INCLUDE_DIR MySQLConnectorCpp_LIBRARY)

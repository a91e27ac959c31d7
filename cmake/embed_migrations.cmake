# Writes a C++ file defining tern::storage::${FUNCTION}() over the given NNNN_name.sql files.
string(REPLACE "|" ";" FILES "${FILES}")
list(SORT FILES)
set(entries "")
foreach(file IN LISTS FILES)
  get_filename_component(stem "${file}" NAME_WE)
  if(NOT stem MATCHES "^([0-9][0-9][0-9][0-9])_(.+)$")
    message(FATAL_ERROR "migration ${file} is not named NNNN_name.sql")
  endif()
  math(EXPR version "${CMAKE_MATCH_1}")
  set(name "${CMAKE_MATCH_2}")
  file(READ "${file}" sql)
  string(APPEND entries "    {${version}, \"${name}\", R\"tern_sql(${sql})tern_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from sql/: do not edit.\n"
  "#include \"storage/migrations.hpp\"\n\n"
  "namespace tern::storage {\n"
  "std::span<const Migration> ${FUNCTION}() {\n"
  "  static const Migration migrations[] = {\n${entries}  };\n"
  "  return migrations;\n"
  "}\n"
  "}  // namespace tern::storage\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)

# Writes a wrapper of the npm package (cordon.mjs or cordon.cjs) to OUTPUT, with each line
# `// @include NAME` replaced by the file NAME beside the wrapper: code both entries share is
# kept once in wasm/js/. Included text is not searched for further includes. OUTPUT is
# rewritten only when its text changes.
#
#   cmake -DWRAPPER=wasm/js/cordon.mjs -DOUTPUT=wasm/dist/cordon.mjs -P wasm/assemble-wrapper.cmake
cmake_minimum_required(VERSION 3.21)
file(READ "${WRAPPER}" text)
get_filename_component(folder "${WRAPPER}" DIRECTORY)
set(marker "\n// @include ")
string(LENGTH "${marker}" marker_length)
# A newline in front, so that an include on the first line starts with the marker too.
set(rest "\n${text}")
set(assembled "")
while(TRUE)
  string(FIND "${rest}" "${marker}" at)
  if(at EQUAL -1)
    break()
  endif()
  math(EXPR name_at "${at} + ${marker_length}")
  string(SUBSTRING "${rest}" ${name_at} -1 after)
  string(FIND "${after}" "\n" line_end)
  if(line_end EQUAL -1)
    message(FATAL_ERROR "${WRAPPER}: an @include line must end with a newline")
  endif()
  string(SUBSTRING "${after}" 0 ${line_end} name)
  if(NOT name MATCHES "^[A-Za-z0-9_.-]+$")
    message(FATAL_ERROR "${WRAPPER}: '@include ${name}' does not name a file beside it")
  endif()
  file(READ "${folder}/${name}" included)
  # The include line's own newline stays in `rest` and ends the included text.
  string(REGEX REPLACE "\n$" "" included "${included}")
  math(EXPR keep "${at} + 1")  # up to and with the newline before the include line
  string(SUBSTRING "${rest}" 0 ${keep} before)
  string(APPEND assembled "${before}${included}")
  string(SUBSTRING "${after}" ${line_end} -1 rest)
endwhile()
string(APPEND assembled "${rest}")
string(SUBSTRING "${assembled}" 1 -1 assembled)  # the newline added in front
file(WRITE "${OUTPUT}.part" "${assembled}")
file(COPY_FILE "${OUTPUT}.part" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.part")

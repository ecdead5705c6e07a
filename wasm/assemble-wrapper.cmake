# Writes a wrapper of the npm package (cordon.mjs or cordon.cjs) to OUTPUT, with each line
# `// @include NAME` replaced by the file NAME beside the wrapper: code both entries share is
# kept once in wasm/js/. OUTPUT is rewritten only when its text changes.
#
#   cmake -DWRAPPER=wasm/js/cordon.mjs -DOUTPUT=wasm/dist/cordon.mjs -P wasm/assemble-wrapper.cmake
cmake_minimum_required(VERSION 3.21)
file(READ "${WRAPPER}" text)
get_filename_component(folder "${WRAPPER}" DIRECTORY)
string(REGEX MATCHALL "// @include [^\n]+\n" includes "${text}")
foreach(line IN LISTS includes)
  string(REGEX REPLACE "^// @include ([^\n]+)\n$" "\\1" name "${line}")
  file(READ "${folder}/${name}" included)
  string(REPLACE "${line}" "${included}" text "${text}")
endforeach()
file(WRITE "${OUTPUT}.part" "${text}")
file(COPY_FILE "${OUTPUT}.part" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.part")

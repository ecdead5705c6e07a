# Finds the core's dependencies: nlohmann_json and Botan 2.
#
# Natively both come from Debian's packages. Under Emscripten, Botan is the
# amalgamation built by scripts/build-botan-wasm.sh (CORDON_BOTAN_WASM_DIR), and
# nlohmann_json comes from a folder holding only the nlohmann/ headers, because
# /usr/include must never be on em++'s include path.

if(EMSCRIPTEN)
  set(CORDON_BOTAN_WASM_DIR "${CMAKE_SOURCE_DIR}/build/botan-wasm" CACHE PATH
      "Folder with botan_all.h and libbotan-wasm.a, made by scripts/build-botan-wasm.sh")
  if(NOT EXISTS "${CORDON_BOTAN_WASM_DIR}/libbotan-wasm.a")
    message(FATAL_ERROR "Botan for WASM not found in ${CORDON_BOTAN_WASM_DIR}; run scripts/build-botan-wasm.sh")
  endif()
  add_library(cordon_botan STATIC IMPORTED GLOBAL)
  set_target_properties(cordon_botan PROPERTIES
    IMPORTED_LOCATION "${CORDON_BOTAN_WASM_DIR}/libbotan-wasm.a"
    INTERFACE_INCLUDE_DIRECTORIES "${CORDON_BOTAN_WASM_DIR}/include"
    INTERFACE_COMPILE_DEFINITIONS "CORDON_BOTAN_AMALGAMATION=1")

  set(CORDON_JSON_INCLUDE_DIR "${CMAKE_BINARY_DIR}/json-include")
  if(NOT EXISTS "${CORDON_JSON_INCLUDE_DIR}/nlohmann/json.hpp")
    file(COPY /usr/include/nlohmann DESTINATION "${CORDON_JSON_INCLUDE_DIR}")
  endif()
  add_library(cordon_json INTERFACE)
  target_include_directories(cordon_json SYSTEM INTERFACE "${CORDON_JSON_INCLUDE_DIR}")
else()
  find_package(nlohmann_json 3.10 REQUIRED)
  add_library(cordon_json INTERFACE)
  target_link_libraries(cordon_json INTERFACE nlohmann_json::nlohmann_json)

  find_package(PkgConfig REQUIRED)
  pkg_check_modules(BOTAN2 REQUIRED IMPORTED_TARGET botan-2)
  add_library(cordon_botan INTERFACE)
  # Static when building a Python wheel, so the wheel does not depend on libbotan-2.so.
  if(CORDON_BUILD_PYTHON AND EXISTS "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/libbotan-2.a")
    target_include_directories(cordon_botan SYSTEM INTERFACE ${BOTAN2_INCLUDE_DIRS})
    target_link_libraries(cordon_botan INTERFACE "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/libbotan-2.a")
  else()
    target_link_libraries(cordon_botan INTERFACE PkgConfig::BOTAN2)
  endif()
endif()

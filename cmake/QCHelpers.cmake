# Helpers shared by QC's CMake files.

# Every QC library and tool links the shared LLVM/MLIR libraries that Debian
# ships (libMLIR.so needs libLLVM.so on the link line too).
set(QC_MLIR_SHARED_LIBS MLIR LLVM)

# qc_add_library(name sources... [DEPENDS targets...] [LINK_LIBS libs...])
# A QC library linked against the shared MLIR/LLVM and exported for install.
function(qc_add_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS" ${ARGN})
  add_library(${name} ${ARG_UNPARSED_ARGUMENTS})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS} ${QC_MLIR_SHARED_LIBS})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  set_property(GLOBAL APPEND PROPERTY QC_EXPORTED_TARGETS ${name})
  install(TARGETS ${name} EXPORT QCTargets
    ARCHIVE DESTINATION lib LIBRARY DESTINATION lib)
endfunction()

# qc_add_doc(td_name doc_path tblgen_flags...)
# Generates docs/<doc_path>.md from <td_name>.td with mlir-tblgen. The build
# writes it under the build tree; the `qc-docs` target copies it into the
# source tree's docs/ (the checked-in copy), and the `docs-current` test fails
# when the checked-in copy is stale.
add_custom_target(qc-docs)
function(qc_add_doc td_name doc_path)
  set(LLVM_TARGET_DEFINITIONS ${td_name}.td)
  get_filename_component(doc_name ${doc_path} NAME)
  tablegen(MLIR ${doc_name}.md ${ARGN})
  set(generated ${CMAKE_CURRENT_BINARY_DIR}/${doc_name}.md)
  set(checked_in ${PROJECT_SOURCE_DIR}/docs/${doc_path}.md)
  add_custom_target(${doc_name}DocGen ALL DEPENDS ${generated})
  add_custom_target(${doc_name}DocCopy
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${generated} ${checked_in}
    DEPENDS ${generated}
    COMMENT "Updating docs/${doc_path}.md")
  add_dependencies(qc-docs ${doc_name}DocCopy)
  add_test(NAME docs-current/${doc_path}
    COMMAND ${CMAKE_COMMAND} -E compare_files ${generated} ${checked_in})
endfunction()

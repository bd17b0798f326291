# Installs QC from QC_BUILD_DIR into a scratch prefix, runs the installed
# tools (they find libMLIR/libLLVM through their run path), and builds and
# runs the consumer project in QC_CONSUMER_SOURCE_DIR against it
# (find_package(QC)).
set(prefix ${QC_SCRATCH_DIR}/prefix)
set(consumer_build ${QC_SCRATCH_DIR}/consumer)
file(REMOVE_RECURSE ${QC_SCRATCH_DIR})

function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}")
  endif()
endfunction()

run_step(${CMAKE_COMMAND} --install ${QC_BUILD_DIR} --prefix ${prefix})
foreach(tool quant-opt quant-translate quant-compile quant-run)
  run_step(${prefix}/bin/${tool} --version)
endforeach()
run_step(${CMAKE_COMMAND} -G Ninja -S ${QC_CONSUMER_SOURCE_DIR}
         -B ${consumer_build} -DCMAKE_PREFIX_PATH=${prefix}
         -DCMAKE_BUILD_TYPE=Release)
run_step(${CMAKE_COMMAND} --build ${consumer_build})
run_step(${consumer_build}/qc-consumer)

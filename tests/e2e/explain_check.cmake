# Runs `capsim explain` on the default scenario with a calibrated profile and checks that the
# breakdown names the measured profile and its benchmark entries.
execute_process(COMMAND ${CAPSIM} explain ${SCENARIO} --workload frontier-pretrain
                        --set calibration.H100-SXM=${PROFILE}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "capsim explain failed (${rc}): ${err}")
endif()
foreach(needle "profile: H100-SXM (measured, NVIDIA H100 80GB HBM3" "measured @"
        "BM_gemm_cublaslt_bf16/8192/8192/8192" "MFU ")
  string(FIND "${out}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "explain output lacks '${needle}':\n${out}")
  endif()
endforeach()

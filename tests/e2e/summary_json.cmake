# Runs `capsim summary --json` on a result file and checks the JSON with Python's json module.
execute_process(COMMAND ${CAPSIM} summary ${RESULT} --json OUTPUT_VARIABLE json RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "capsim summary --json failed (${rc})")
endif()
file(WRITE ${RESULT}.json "${json}")
execute_process(
  COMMAND ${PYTHON} -c "import json,sys; d=json.load(open(sys.argv[1])); \
need=['avatar.ttff_p50_s','avatar.ttff_p99_s','avatar.frame_miss_rate','avatar.peak_sessions',\
'avatar.sessions_rejected','gpu_hours.avatar','gpu_hours.training','gpu_hours.distillation',\
'training.tokens','training.delay_s','cost.total_usd']; \
missing=[k for k in need if k not in d]; assert not missing, missing; \
assert all(isinstance(v,(int,float)) or v is None for v in d.values()); print(len(d),'keys')"
          ${RESULT}.json
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "summary JSON check failed")
endif()

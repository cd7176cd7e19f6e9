# Extra reports tests, included from tests/CMakeLists.txt after reports_tests is defined.

if(TARGET reports_tests)
  # The tests reopen result files with the HDF5 C API to check the layout.
  target_link_libraries(reports_tests PRIVATE hdf5::hdf5 hdf5::hdf5_hl)
  target_compile_definitions(reports_tests PRIVATE CAPSIM_VERSION_FOR_TEST="${PROJECT_VERSION}")
endif()

# (a) write a synthetic result file into the build tree ...
add_executable(reports_write_fixture ${CMAKE_CURRENT_LIST_DIR}/write_fixture.cc)
target_link_libraries(reports_write_fixture PRIVATE reports)
if(TARGET reports_tests)
  add_dependencies(reports_tests reports_write_fixture)
endif()
set(CAPSIM_REPORTS_FIXTURE ${CMAKE_CURRENT_BINARY_DIR}/reports_fixture.h5)
add_test(NAME reports.write_fixture
         COMMAND reports_write_fixture ${CAPSIM_REPORTS_FIXTURE})
set_tests_properties(reports.write_fixture PROPERTIES FIXTURES_SETUP reports_fixture_file)

# (b) ... and check it from Python (h5py, pandas, xarray + h5netcdf, reports/capsim_reader.py).
# The check exits 77 (skipped) when /usr/bin/python3 lacks xarray or h5netcdf.
set(CAPSIM_REPORTS_PYTHON /usr/bin/python3 CACHE FILEPATH
    "Python with h5py, pandas, xarray and h5netcdf for the result-file check")
if(EXISTS ${CAPSIM_REPORTS_PYTHON})
  add_test(NAME reports.python_check
           COMMAND ${CAPSIM_REPORTS_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_result_file.py
                   ${CAPSIM_REPORTS_FIXTURE})
else()
  add_test(NAME reports.python_check COMMAND sh -c "echo '${CAPSIM_REPORTS_PYTHON} not found'; exit 77")
endif()
set_tests_properties(reports.python_check PROPERTIES
  FIXTURES_REQUIRED reports_fixture_file SKIP_RETURN_CODE 77 TIMEOUT 120
  ENVIRONMENT PYTHONDONTWRITEBYTECODE=1)

# (c) The notebooks of reports/notebooks executed headless (nbclient) on result files, checking
# which figures each saves (tests/reports/run_notebooks.py; exits 77, skipped, when
# /usr/bin/python3 lacks nbclient, nbformat, ipykernel or matplotlib), and `capsim report`.
#   - a simulation: the default scenario cut to 2 h -> latency, utilisation, power;
#   - a synthetic projection written with h5py (tests/reports/make_projection_fixture.py)
#     -> utilisation, power, finance, training, sensitivity;
#   - the real projection tests/e2e/projection-small.yaml, once it exists -> the same.
set(CAPSIM_NB_DIR ${CMAKE_CURRENT_BINARY_DIR})
set(CAPSIM_NB_RUNNER ${CMAKE_CURRENT_LIST_DIR}/run_notebooks.py)
set(CAPSIM_NB_PROJECTION_FIGURES utilisation power finance training sensitivity)
set(CAPSIM_NB_ENV PYTHONDONTWRITEBYTECODE=1 PYDEVD_DISABLE_FILE_VALIDATION=1
    CAPSIM_PYTHON=${CAPSIM_REPORTS_PYTHON})
if(EXISTS ${CAPSIM_REPORTS_PYTHON})
  set(CAPSIM_NB_PYTHON ${CAPSIM_REPORTS_PYTHON})
else()  # every Python test below skips
  set(CAPSIM_NB_PYTHON sh -c "echo '${CAPSIM_REPORTS_PYTHON} not found'; exit 77")
endif()

add_test(NAME reports.notebook_sim_run
         COMMAND $<TARGET_FILE:capsim> run ${PROJECT_SOURCE_DIR}/scenarios/default.yaml
                 --set horizon=2h -o ${CAPSIM_NB_DIR}/nb_sim.h5 --quiet)
set_tests_properties(reports.notebook_sim_run PROPERTIES FIXTURES_SETUP reports_nb_sim)
add_test(NAME reports.notebooks_sim
         COMMAND ${CAPSIM_NB_PYTHON} ${CAPSIM_NB_RUNNER} ${CAPSIM_NB_DIR}/nb_sim.h5
                 ${CAPSIM_NB_DIR}/notebooks_sim latency utilisation power)
set_tests_properties(reports.notebooks_sim PROPERTIES FIXTURES_REQUIRED reports_nb_sim
                     SKIP_RETURN_CODE 77 TIMEOUT 300 ENVIRONMENT "${CAPSIM_NB_ENV}")

add_test(NAME reports.notebook_projection_fixture
         COMMAND ${CAPSIM_NB_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/make_projection_fixture.py
                 ${CAPSIM_NB_DIR}/nb_projection_synthetic.h5)
set_tests_properties(reports.notebook_projection_fixture PROPERTIES
                     FIXTURES_SETUP reports_nb_projection_synthetic SKIP_RETURN_CODE 77
                     ENVIRONMENT "${CAPSIM_NB_ENV}")
add_test(NAME reports.notebooks_projection_synthetic
         COMMAND ${CAPSIM_NB_PYTHON} ${CAPSIM_NB_RUNNER}
                 ${CAPSIM_NB_DIR}/nb_projection_synthetic.h5
                 ${CAPSIM_NB_DIR}/notebooks_projection_synthetic ${CAPSIM_NB_PROJECTION_FIGURES})
set_tests_properties(reports.notebooks_projection_synthetic PROPERTIES
                     FIXTURES_REQUIRED reports_nb_projection_synthetic
                     SKIP_RETURN_CODE 77 TIMEOUT 300 ENVIRONMENT "${CAPSIM_NB_ENV}")

if(EXISTS ${PROJECT_SOURCE_DIR}/tests/e2e/projection-small.yaml)
  add_test(NAME reports.notebook_projection_run
           COMMAND $<TARGET_FILE:capsim> run ${PROJECT_SOURCE_DIR}/tests/e2e/projection-small.yaml
                   -o ${CAPSIM_NB_DIR}/nb_projection.h5 --quiet)
  set_tests_properties(reports.notebook_projection_run PROPERTIES
                       FIXTURES_SETUP reports_nb_projection)
  add_test(NAME reports.notebooks_projection
           COMMAND ${CAPSIM_NB_PYTHON} ${CAPSIM_NB_RUNNER} ${CAPSIM_NB_DIR}/nb_projection.h5
                   ${CAPSIM_NB_DIR}/notebooks_projection ${CAPSIM_NB_PROJECTION_FIGURES})
  set_tests_properties(reports.notebooks_projection PROPERTIES
                       FIXTURES_REQUIRED reports_nb_projection
                       SKIP_RETURN_CODE 77 TIMEOUT 300 ENVIRONMENT "${CAPSIM_NB_ENV}")
endif()

# `capsim report` end to end on each file (skipped without matplotlib).
set(CAPSIM_NB_REPORT_KINDS sim projection_synthetic)
if(EXISTS ${PROJECT_SOURCE_DIR}/tests/e2e/projection-small.yaml)
  list(APPEND CAPSIM_NB_REPORT_KINDS projection)
endif()
foreach(kind ${CAPSIM_NB_REPORT_KINDS})
  set(fixture reports_nb_${kind})
  add_test(NAME reports.report_${kind}
           COMMAND sh -c "'${CAPSIM_REPORTS_PYTHON}' -c 'import matplotlib' 2>/dev/null || exit 77; \
\"$0\" report \"$1\" -o \"$2\" && grep -q 'data:image/png;base64,' \"$2\""
                   $<TARGET_FILE:capsim> ${CAPSIM_NB_DIR}/nb_${kind}.h5
                   ${CAPSIM_NB_DIR}/report_${kind}.html)
  set_tests_properties(reports.report_${kind} PROPERTIES FIXTURES_REQUIRED ${fixture}
                       SKIP_RETURN_CODE 77 TIMEOUT 120 ENVIRONMENT "${CAPSIM_NB_ENV}")
endforeach()

# The xarray views (xarray.open_dataset with h5netcdf, capsim_reader.open) of real result files.
set(CAPSIM_NB_XARRAY_KINDS sim)
if(EXISTS ${PROJECT_SOURCE_DIR}/tests/e2e/projection-small.yaml)
  list(APPEND CAPSIM_NB_XARRAY_KINDS projection)
endif()
foreach(kind ${CAPSIM_NB_XARRAY_KINDS})
  add_test(NAME reports.xarray_view_${kind}
           COMMAND ${CAPSIM_NB_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_result_file.py --generic
                   ${CAPSIM_NB_DIR}/nb_${kind}.h5)
  set_tests_properties(reports.xarray_view_${kind} PROPERTIES FIXTURES_REQUIRED reports_nb_${kind}
                       SKIP_RETURN_CODE 77 TIMEOUT 120 ENVIRONMENT "${CAPSIM_NB_ENV}")
endforeach()

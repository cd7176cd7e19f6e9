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

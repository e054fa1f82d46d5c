# Hardening tests (issue 9): hostile peers, durability under kill -9, the connection soak. Included from
# tests/CMakeLists.txt; each test is a CTest test labelled "hardening".
set(HARDENING ${CMAKE_CURRENT_LIST_DIR})

# A hostile SMB2 peer / proxy for the runner test.
add_executable(hostile_server ${HARDENING}/hostile_server.cpp)
target_link_libraries(hostile_server PRIVATE smbproto Threads::Threads)

# The runner against the hostile peer: five behaviours + a pure-hostile run, 24 sampled scenarios each, 300 ms step
# timeout (well under 90 s; `--full` is the long run). Every scenario must end fail/ungraded within its bound.
add_test(NAME hardening.hostile_server
         COMMAND bash ${HARDENING}/hostile_test.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(hardening.hostile_server PROPERTIES TIMEOUT 300 LABELS hardening)

# Durability under kill -9 and the connection soak: programs over the harness Client; the long runs are
# scripts/durability.sh (100 trials) and scripts/soak.sh (60 s).
foreach(prog durability soak)
  add_executable(${prog}_check ${HARDENING}/${prog}.cpp)
  target_include_directories(${prog}_check PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${prog}_check PRIVATE smbharness Threads::Threads)
endforeach()
add_test(NAME hardening.durability_smb2
         COMMAND durability_check --server $<TARGET_FILE:smbconform-server> --protocol smb2 --trials 10)
add_test(NAME hardening.durability_smb1
         COMMAND durability_check --server $<TARGET_FILE:smbconform-server> --protocol smb1 --trials 10)
set_tests_properties(hardening.durability_smb2 hardening.durability_smb1 PROPERTIES TIMEOUT 300 LABELS hardening
                     SKIP_RETURN_CODE 77)
add_test(NAME hardening.soak
         COMMAND soak_check --server $<TARGET_FILE:smbconform-server> --connections 256 --seconds 8 --files 4)
set_tests_properties(hardening.soak PROPERTIES TIMEOUT 300 LABELS hardening RUN_SERIAL TRUE)

@echo off
rem The NT-kernel suite, run inside the ReactOS kit's guest (windows/tests/nt-check.sh
rem stages this file with CRLF line ends). %1 is the test drive; everything is in %1\test.
rem Prints PASS/FAIL/SKIP lines; smoke.exe prints its own and its summary.
set T=%1\test

sc create kshm type= kernel start= demand binpath= %T%\kshm.sys > %T%\step.out
if errorlevel 1 (echo FAIL nt.sc_create & type %T%\step.out) else echo PASS nt.sc_create
sc start kshm > %T%\step.out
if errorlevel 1 (echo FAIL nt.sc_start & type %T%\step.out) else echo PASS nt.sc_start

%T%\kshm.exe info
if errorlevel 1 (echo FAIL nt.kshm_info) else echo PASS nt.kshm_info

rem Every request, both directions of sharing, channels, and the tests only a real
rem kernel can run: process exit and kill with everything live, foreign processes,
rem the device ACL, read-only views.
%T%\smoke.exe --full
echo smoke.exe exit status %errorlevel%

%T%\kshm.exe demo
if errorlevel 1 (echo FAIL nt.kshm_demo) else echo PASS nt.kshm_demo

rem Killed processes left regions, channels and attached buffers behind: all released.
%T%\smoke.exe --idle

rem Unload, load again and unload: DriverUnload leaves nothing that stops a reload.
sc stop kshm > %T%\step.out
if errorlevel 1 (echo FAIL nt.sc_stop & type %T%\step.out) else echo PASS nt.sc_stop

rem Reloaded as a kernel that ignores MdlMappingNoWrite (Windows 7, NT 5.2) would map
rem read-only views: the driver's write probe must refuse every one of them.
%T%\smoke.exe --parameter SimulateNoWriteIgnored 1
sc start kshm > %T%\step.out
if errorlevel 1 (echo FAIL nt.reload & type %T%\step.out) else echo PASS nt.reload
%T%\smoke.exe --no-write-ignored
sc stop kshm > %T%\step.out
%T%\smoke.exe --parameter SimulateNoWriteIgnored 0
if errorlevel 1 (echo FAIL nt.sc_stop_again & type %T%\step.out) else echo PASS nt.sc_stop_again
sc delete kshm > %T%\step.out
if errorlevel 1 (echo FAIL nt.sc_delete & type %T%\step.out) else echo PASS nt.sc_delete
exit 0

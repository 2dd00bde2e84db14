@echo off
rem The NT-kernel suite, run inside the ReactOS kit's guest (windows/tests/nt-check.sh
rem stages this file with CRLF line ends). %1 is the test drive; everything is in %1\test.
rem Prints TAP (tests/tap.sh judges it): this file's own checks (call :ok NAME, call
rem :not_ok NAME) in documents of their own (call :begin NAME ... call :plan), between
rem smoke.exe's, which prints its own.
set T=%1\test

call :begin "run.cmd (load)"
sc create kshm type= kernel start= demand binpath= %T%\kshm.sys > %T%\step.out
if errorlevel 1 (call :not_ok nt.sc_create & type %T%\step.out) else call :ok nt.sc_create
sc start kshm > %T%\step.out
if errorlevel 1 (call :not_ok nt.sc_start & type %T%\step.out) else call :ok nt.sc_start

%T%\kshm.exe info
if errorlevel 1 (call :not_ok nt.kshm_info) else call :ok nt.kshm_info
call :plan

rem Every request, both directions of sharing, channels, and the tests only a real
rem kernel can run: process exit and kill with everything live, foreign processes,
rem the device ACL, read-only views.
%T%\smoke.exe --full
echo # smoke.exe exit status %errorlevel%

call :begin "run.cmd (demo)"
%T%\kshm.exe demo
if errorlevel 1 (call :not_ok nt.kshm_demo) else call :ok nt.kshm_demo
call :plan

rem Killed processes left regions, channels and attached buffers behind: all released.
%T%\smoke.exe --idle

rem Unload, load again and unload: DriverUnload leaves nothing that stops a reload.
call :begin "run.cmd (unload)"
sc stop kshm > %T%\step.out
if errorlevel 1 (call :not_ok nt.sc_stop & type %T%\step.out) else call :ok nt.sc_stop
call :plan

rem Reloaded as a kernel that ignores MdlMappingNoWrite (Windows 7, NT 5.2) would map
rem read-only views: the driver's write probe must refuse every one of them.
%T%\smoke.exe --parameter SimulateNoWriteIgnored 1
call :begin "run.cmd (reload)"
sc start kshm > %T%\step.out
if errorlevel 1 (call :not_ok nt.reload & type %T%\step.out) else call :ok nt.reload
call :plan
%T%\smoke.exe --no-write-ignored
sc stop kshm > %T%\step.out
set RC=%errorlevel%
%T%\smoke.exe --parameter SimulateNoWriteIgnored 0
call :begin "run.cmd (unload again)"
if not %RC%==0 (call :not_ok nt.sc_stop_again & type %T%\step.out) else call :ok nt.sc_stop_again
sc delete kshm > %T%\step.out
if errorlevel 1 (call :not_ok nt.sc_delete & type %T%\step.out) else call :ok nt.sc_delete
call :plan
exit 0

rem The TAP lines (tests/tap-lib.sh's, for cmd).
:begin
set N=0
echo TAP version 13
echo # Subtest: %~1
goto :eof
:ok
set /a N+=1
echo ok %N% - %~1
goto :eof
:not_ok
set /a N+=1
echo not ok %N% - %~1
goto :eof
:plan
echo 1..%N%
goto :eof

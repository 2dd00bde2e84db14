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

rem The kernel API's sample drivers (examples/*/windows/), installed as their authors
rem would (depend= kshm) against a fresh kshm: records in order, drops counted, the
rem program killed mid-stream, kshm not unloaded under them, all unloaded. The kit's
rem sc.exe exits 0 when a driver fails to load: the SCM's state is asked instead.
sc create kshm type= kernel start= demand binpath= %T%\kshm.sys > %T%\step.out
sc start kshm > %T%\step.out
%T%\smoke.exe --still-loaded nt.api_kshm_loaded kshm
sc create kshm_tick type= kernel start= demand depend= kshm binpath= %T%\kshm_tick.sys > %T%\step.out
sc start kshm_tick > %T%\step.out
%T%\smoke.exe --still-loaded nt.tick_loaded kshm_tick
sc create kshm_crc type= kernel start= demand depend= kshm binpath= %T%\kshm_crc.sys > %T%\step.out
sc start kshm_crc > %T%\step.out
%T%\smoke.exe --still-loaded nt.crc_loaded kshm_crc

%T%\smoke.exe --api-lookups
rem The region half of the API, through a test client driver (windows/tests/api_client).
sc create kshm_api_client type= kernel start= demand depend= kshm binpath= %T%\kshm_api_client.sys > %T%\step.out
sc start kshm_api_client > %T%\step.out
%T%\smoke.exe --api-regions
sc stop kshm_api_client > %T%\step.out
sc delete kshm_api_client > %T%\step.out

call :begin "run.cmd (tick)"
%T%\tick.exe --records 300 --period-us 1000
if errorlevel 1 (call :not_ok nt.tick_in_order) else call :ok nt.tick_in_order
rem A 4 KiB ring holds about 128 ticks: a 3 s pause overflows it at any tick rate here.
%T%\tick.exe --records 300 --period-us 1000 --ring-kib 4 --pause-ms 3000 --expect-drops
if errorlevel 1 (call :not_ok nt.tick_drops_counted) else call :ok nt.tick_drops_counted
call :plan
%T%\smoke.exe --kill-mid-stream nt.tick_kill %T%\tick.exe --records 1000000000 --period-us 1000
rem The process destroys the channel under the timer: the DPC sees it closed and stops.
call :begin "run.cmd (tick, the channel destroyed)"
%T%\tick.exe --records 1000000 --period-us 1000 --let-go-after 50
if errorlevel 1 (call :not_ok nt.tick_channel_destroyed_stops) else call :ok nt.tick_channel_destroyed_stops
call :plan

call :begin "run.cmd (crc)"
%T%\crc.exe --requests 3000
if errorlevel 1 (call :not_ok nt.crc_answers_checked) else call :ok nt.crc_answers_checked
%T%\crc.exe --requests 1000 --ring-kib 4 --max-data 2000
if errorlevel 1 (call :not_ok nt.crc_small_rings) else call :ok nt.crc_small_rings
call :plan
%T%\smoke.exe --kill-mid-stream nt.crc_kill %T%\crc.exe --requests 1000000000
rem The process closes kshm under the thread: it sees both channels closed and stops.
call :begin "run.cmd (crc, kshm closed)"
%T%\crc.exe --requests 1000000 --close-kshm-after 500
if errorlevel 1 (call :not_ok nt.crc_kshm_closed_stops) else call :ok nt.crc_kshm_closed_stops
call :plan

rem Killed programs left nothing in kshm: their sample drivers put every channel.
%T%\smoke.exe --idle

rem kshm stopped while its clients are loaded (no process has kshm open): kshm's
rem DriverUnload must not run under them (it would also assert: a table is out). The
rem SCM refuses (1051: they depend on it); past the SCM the I/O manager defers the
rem unload, their file objects referencing kshm's device. kshm stays loaded.
%T%\smoke.exe --stop-refused nt.api_kshm_stop_refused_by_scm kshm
%T%\smoke.exe --unload-driver kshm
%T%\smoke.exe --still-loaded nt.api_kshm_not_unloaded_under_clients kshm

rem The samples' DriverUnload releases kshm's table and file object: only then can kshm
rem unload (the kit: on this second stop) and load again, which the next test checks.
sc stop kshm_tick > %T%\step.out
sc stop kshm_crc > %T%\step.out
sc stop kshm > %T%\step.out
sc start kshm > %T%\step.out
call :begin "run.cmd (kshm after its clients)"
%T%\kshm.exe info > %T%\step.out
if errorlevel 1 (call :not_ok nt.api_kshm_reloaded_after_clients & type %T%\step.out) else call :ok nt.api_kshm_reloaded_after_clients
call :plan
sc stop kshm > %T%\step.out
sc delete kshm_tick > %T%\step.out
sc delete kshm_crc > %T%\step.out
sc delete kshm > %T%\step.out
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

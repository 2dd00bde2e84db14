# core/'s sources, by who compiles them: the one list every build takes them
# from (the module's Kbuild includes this file from its staged tree).
#   CORE_KERNEL_SRCS  both drivers: validation, policy, requests, rings, services, work
#   CORE_LIB_SRCS     libkshm: the ring's process side and the checksum
#   CORE_TOOL_SRCS    the kshm tool: the page-span math of `kshm layout`
CORE_KERNEL_SRCS := core/channel.c core/checksum.c core/policy.c core/region.c core/request.c \
		    core/ring.c core/span.c core/validate.c core/work.c
CORE_LIB_SRCS    := core/checksum.c core/ring.c
CORE_TOOL_SRCS   := core/span.c

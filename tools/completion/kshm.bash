# bash completion for kshm(1). The commands, the options before them and
# each command's options come from the installed tool itself (kshm --help,
# kshm help CMD), so this file never lists them and cannot fall behind it.

_kshm_commands()
{
	"$1" --help 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p'
}

# The long options of the "options:" part of kshm --help ("  -h, --help  ...").
_kshm_options()
{
	"$1" --help 2>/dev/null |
		sed -n '/^options:/,/^$/s/^  \(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\).*/\2/p'
}

_kshm()
{
	local tool=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]}
	local prev=${COMP_WORDS[COMP_CWORD - 1]} cmd='' i

	COMPREPLY=()
	if [[ $prev == --device ]]; then
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
	fi
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--device) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_kshm_options "$tool")" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_kshm_commands "$tool")" -- "$cur")
		fi
	elif [[ $cmd == help ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_kshm_commands "$tool")" -- "$cur")
	elif [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$("$tool" help "$cmd" 2>/dev/null |
			sed -n '1s/^usage: //p' | grep -o -- '--[a-z-]*' | grep -vx -- --device) --help" -- "$cur")
	fi
}
complete -F _kshm kshm

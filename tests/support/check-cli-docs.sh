#!/bin/bash
# The man page and the bash completion name every command and every long option that
# `twintrunkctl COMMAND --help` offers: neither can drift from the program.
set -euo pipefail
ctl=$1 man=$2 completion=$3
bash -n "$completion"
status=0
commands=$("$ctl" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[[ -n $commands ]] || { echo "no commands found in '$ctl --help'"; exit 1; }
for command in $commands; do
    grep -q -- "^\.BR $command\b\|^\.B $command\$" "$man" || { echo "man page: command '$command' missing"; status=1; }
    grep -q -- "\b$command\b" "$completion" || { echo "completion: command '$command' missing"; status=1; }
    for option in $("$ctl" "$command" --help | grep -oE '^\s+(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' | grep -v -- '--help'); do
        # In the command's own entry (from its .BR line to the next .TP), or, for the options
        # every state-keeping command takes, in the description that says so.
        escaped=${option//-/\\-}
        stateful=0
        [[ " init status diff sync verify repair journal health repoint conflicts conflict resolve " == *" $command "* ]] && stateful=1
        awk -v c="$command" -v o="$escaped" -v stateful=$stateful '
            /^\.SH/ { section = $2 }
            section == "DESCRIPTION" && index($0, o) { common = 1 }
            /^\.TP/ { inside = 0 }
            $0 ~ "^\\.BR? " c "( |$)" { inside = 1 }
            inside && index($0, o) { found = 1 }
            END { exit !(found || (stateful && common && (o == "\\-\\-workspace" || o == "\\-\\-new\\-state" || o == "\\-\\-json"))) }' "$man" \
            || { echo "man page: '$command $option' missing"; status=1; }
        # On the command's own line, or among the common options when that line takes them.
        awk -v c="$command" -v o="$option" '
            /^ *local common=/ { common = $0 }
            $0 ~ "^ *" c "[ |)]" || $0 ~ "\\| *" c "\\)" {
                if (index($0, o " ") || index($0, o "\"") || (index($0, "$common") && index(common, o " "))) found = 1
            }
            END { exit !found }' "$completion" || { echo "completion: '$command $option' missing"; status=1; }
    done
done
exit $status
